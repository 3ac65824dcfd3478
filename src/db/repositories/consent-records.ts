import { inTransaction, type Pool, type PoolClient } from '../pool';
import type { ContactRow } from './contacts';

/** Where a consent was given or withdrawn. */
export const GIVEN_CHANNELS = [
  'checkout',
  'profile',
  'web_form',
  'sms',
  'ivr',
  'email',
  'whatsapp',
  'in_store',
  'paper',
  'api',
  'other',
] as const;
/** `unspecified`: an older record, made before channels were recorded (or without one). */
export type ConsentChannel = (typeof GIVEN_CHANNELS)[number] | 'unspecified';

export interface ConsentRecordRow {
  id: number;
  waId: string;
  kind: 'opt_in' | 'opt_out';
  channel: ConsentChannel;
  wording: string | null;
  source: string | null;
  sourceRef: string | null;
  proof: string | null;
  keyword: string | null;
  occurredAt: string;
  recordedAt: string;
}

export interface ConsentEvent {
  tenantId: string;
  waId: string;
  channel: ConsentChannel;
  /** When the customer gave or withdrew consent (ISO); default: now. */
  at?: string;
  wording?: string;
  source?: string;
  sourceRef?: string;
  proof?: string;
  keyword?: string;
  /** Set for events from webhooks: a retried event records nothing twice. */
  dedupeKey?: string;
}

const RECORD_COLUMNS = `id, wa_id AS "waId", kind, channel, wording, source, source_ref AS "sourceRef", proof, keyword,
  occurred_at AS "occurredAt", recorded_at AS "recordedAt"`;
const CONTACT_COLUMNS = `wa_id AS "waId", opted_in_at AS "optedInAt", opt_in_source AS "optInSource",
  opt_in_proof AS "optInProof", opted_out_at AS "optedOutAt", opt_out_source AS "optOutSource",
  sticky_phone_number_id AS "stickyPhoneNumberId", last_inbound AS "lastInbound", updated_at AS "updatedAt"`;

export type ConsentRecordsRepo = ReturnType<typeof createConsentRecordsRepo>;

/**
 * The consent history (append-only) and the contact's current state, written together in one transaction.
 * An opt-out always takes effect (when in doubt, do not message); an opt-in takes effect unless it happened
 * before the opt-out on record (a back-dated opt-in never undoes a later opt-out). Both stay in the history.
 */
export function createConsentRecordsRepo(pool: Pool) {
  async function insert(db: PoolClient, kind: 'opt_in' | 'opt_out', e: ConsentEvent) {
    const res = await db.query(
      `INSERT INTO consent_records (tenant_id, wa_id, kind, channel, wording, source, source_ref, proof, keyword,
                                    occurred_at, dedupe_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10::timestamptz, now()), $11)
       ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING ${RECORD_COLUMNS}`,
      [
        e.tenantId,
        e.waId,
        kind,
        e.channel,
        e.wording ?? null,
        e.source ?? null,
        e.sourceRef ?? null,
        e.proof ?? null,
        e.keyword ?? null,
        e.at ?? null,
        e.dedupeKey ?? null,
      ],
    );
    return res.rows[0] as ConsentRecordRow | undefined;
  }

  async function contact(db: PoolClient, tenantId: string, waId: string): Promise<ContactRow> {
    const res = await db.query(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE tenant_id = $1 AND wa_id = $2`, [
      tenantId,
      waId,
    ]);
    return res.rows[0] as ContactRow;
  }

  return {
    async optIn(e: ConsentEvent): Promise<{ contact: ContactRow; record: ConsentRecordRow | undefined }> {
      return inTransaction(pool, async (db) => {
        const record = await insert(db, 'opt_in', e);
        if (record) {
          await db.query(
            `INSERT INTO contacts (tenant_id, wa_id, opted_in_at, opt_in_source, opt_in_proof) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, wa_id) DO UPDATE SET opted_in_at = $3, opt_in_source = $4, opt_in_proof = $5,
               opted_out_at = NULL, opt_out_source = NULL, updated_at = now()
             WHERE contacts.opted_out_at IS NULL OR contacts.opted_out_at <= $3`,
            [e.tenantId, e.waId, record.occurredAt, e.sourceRef ?? e.source ?? e.channel, e.proof ?? null],
          );
        }
        return { contact: await contact(db, e.tenantId, e.waId), record };
      });
    },

    /** Brand-wide: binds every number and WABA of the tenant, so failover can never get around it. */
    async optOut(e: ConsentEvent): Promise<{ contact: ContactRow; record: ConsentRecordRow | undefined }> {
      return inTransaction(pool, async (db) => {
        const record = await insert(db, 'opt_out', e);
        if (record) {
          await db.query(
            `INSERT INTO contacts (tenant_id, wa_id, opted_out_at, opt_out_source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, wa_id) DO UPDATE SET opted_out_at = COALESCE(contacts.opted_out_at, $3),
               opt_out_source = COALESCE(contacts.opt_out_source, $4), updated_at = now()`,
            [e.tenantId, e.waId, record.occurredAt, e.source ?? e.channel],
          );
        }
        return { contact: await contact(db, e.tenantId, e.waId), record };
      });
    },

    /** One contact's history, newest first. */
    async history(tenantId: string, waId: string, limit = 200): Promise<ConsentRecordRow[]> {
      const res = await pool.query(
        `SELECT ${RECORD_COLUMNS} FROM consent_records WHERE tenant_id = $1 AND wa_id = $2 ORDER BY id DESC LIMIT $3`,
        [tenantId, waId, limit],
      );
      return res.rows as ConsentRecordRow[];
    },

    /** A page of the tenant's records in recording order (keyset on id), for the audit export. */
    async page(tenantId: string, afterId: number, limit: number): Promise<ConsentRecordRow[]> {
      const res = await pool.query(
        `SELECT ${RECORD_COLUMNS} FROM consent_records WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [tenantId, afterId, limit],
      );
      return res.rows as ConsentRecordRow[];
    },
  };
}
