import type { Pool } from '../pool';

export interface ContactRow {
  waId: string;
  optedInAt: string | null;
  optInSource: string | null;
  optInProof: string | null;
  optedOutAt: string | null;
  optOutSource: string | null;
  stickyPhoneNumberId: string | null;
  lastInbound: Record<string, string>;
  updatedAt: string;
}

const COLUMNS = `wa_id AS "waId", opted_in_at AS "optedInAt", opt_in_source AS "optInSource", opt_in_proof AS "optInProof",
  opted_out_at AS "optedOutAt", opt_out_source AS "optOutSource", sticky_phone_number_id AS "stickyPhoneNumberId",
  last_inbound AS "lastInbound", updated_at AS "updatedAt"`;

export type ContactsRepo = ReturnType<typeof createContactsRepo>;

export function createContactsRepo(pool: Pool) {
  return {
    async get(tenantId: string, waId: string): Promise<ContactRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM contacts WHERE tenant_id = $1 AND wa_id = $2`, [
        tenantId,
        waId,
      ]);
      return res.rows[0] as ContactRow | undefined;
    },

    /** Many contacts in one query (a campaign batch checks consent for all its recipients at send time). */
    async many(tenantId: string, waIds: readonly string[]): Promise<Map<string, ContactRow>> {
      if (waIds.length === 0) return new Map();
      const res = await pool.query(`SELECT ${COLUMNS} FROM contacts WHERE tenant_id = $1 AND wa_id = ANY($2::text[])`, [
        tenantId,
        waIds,
      ]);
      return new Map((res.rows as ContactRow[]).map((c) => [c.waId, c]));
    },

    /** An opt-in after an opt-out re-subscribes the contact (the customer asked again). */
    async optIn(tenantId: string, waId: string, source: string, proof?: string): Promise<ContactRow> {
      const res = await pool.query(
        `INSERT INTO contacts (tenant_id, wa_id, opted_in_at, opt_in_source, opt_in_proof) VALUES ($1, $2, now(), $3, $4)
         ON CONFLICT (tenant_id, wa_id) DO UPDATE SET opted_in_at = now(), opt_in_source = $3, opt_in_proof = $4,
           opted_out_at = NULL, opt_out_source = NULL, updated_at = now()
         RETURNING ${COLUMNS}`,
        [tenantId, waId, source, proof ?? null],
      );
      return res.rows[0] as ContactRow;
    },

    /** Brand-wide: binds every number and WABA of the tenant, so failover can never get around it. */
    async optOut(tenantId: string, waId: string, source: string): Promise<ContactRow> {
      const res = await pool.query(
        `INSERT INTO contacts (tenant_id, wa_id, opted_out_at, opt_out_source) VALUES ($1, $2, now(), $3)
         ON CONFLICT (tenant_id, wa_id) DO UPDATE SET opted_out_at = COALESCE(contacts.opted_out_at, now()),
           opt_out_source = COALESCE(contacts.opt_out_source, $3), updated_at = now()
         RETURNING ${COLUMNS}`,
        [tenantId, waId, source],
      );
      return res.rows[0] as ContactRow;
    },

    async setSticky(tenantId: string, waId: string, phoneNumberId: string): Promise<void> {
      await pool.query(
        `INSERT INTO contacts (tenant_id, wa_id, sticky_phone_number_id) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, wa_id) DO UPDATE SET sticky_phone_number_id = $3, updated_at = now()`,
        [tenantId, waId, phoneNumberId],
      );
    },

    /** Each inbound message opens (or refreshes) the 24 h service window for that (number, contact) pair. */
    async recordInbound(tenantId: string, waId: string, phoneNumberId: string, at: string): Promise<void> {
      await pool.query(
        `INSERT INTO contacts (tenant_id, wa_id, last_inbound) VALUES ($1, $2, jsonb_build_object($3::text, $4::text))
         ON CONFLICT (tenant_id, wa_id) DO UPDATE SET
           last_inbound = contacts.last_inbound || jsonb_build_object($3::text, GREATEST(COALESCE(contacts.last_inbound->>$3, ''), $4::text)),
           updated_at = now()`,
        [tenantId, waId, phoneNumberId, at],
      );
    },
  };
}
