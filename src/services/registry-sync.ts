import { inTransaction, type Pool } from '../db/pool';
import type { RegistryRepo } from '../db/repositories/registry';
import { MetaApiError, type MetaClient } from '../meta/client';
import type { HealthStatus, PhoneNumberNode, TemplateNode, WabaNode } from '../meta/graph-schemas';
import { type SecretBox, secretContext } from '../secrets';
import type { WabaRefreshOutcome } from '../domain/registry-refresh';
import { healthRecord } from './health-updates';
import { ServiceError } from './errors';

function canSend(h: HealthStatus | undefined) {
  return {
    canSendMessage: h?.can_send_message ?? 'AVAILABLE',
    canSendMessageInfo: (h?.entities ?? []).flatMap((e) => [
      ...(e.additional_info ?? []),
      ...(e.errors ?? []).map((x) => `${x.error_code}: ${x.error_description ?? ''}`.trim()),
    ]),
  };
}

const quality = (q: string | undefined) => (q === 'GREEN' || q === 'YELLOW' || q === 'RED' ? q : 'UNKNOWN');

/** Meta node fields → the domain's field names (src/domain/registry.ts). */
export function wabaFields(n: WabaNode): Record<string, unknown> {
  const banned = n.health_status?.entities.some((e) => e.errors?.some((x) => x.error_code === 141014));
  return {
    accountReviewStatus: n.account_review_status ?? 'APPROVED',
    ...canSend(n.health_status),
    // Ban state arrives by webhook; polling can only confirm it (141014) or clear it (AVAILABLE).
    ...(banned
      ? { banState: 'DISABLE' }
      : n.health_status?.can_send_message === 'AVAILABLE'
        ? { banState: 'NONE' }
        : {}),
    stale: false,
    // Meta's current view is newer than an error observed earlier: a successful sync closes the breaker.
    breaker: null,
  };
}

export function phoneFields(n: PhoneNumberNode): Record<string, unknown> {
  return {
    status: n.status,
    qualityRating: quality(n.quality_rating),
    throughputLevel: n.throughput?.level ?? 'STANDARD',
    verifiedName: n.verified_name ?? null,
    ...canSend(n.health_status),
    stale: false,
    breaker: null,
    throttledUntil: null,
  };
}

export function templateFields(n: TemplateNode): Record<string, unknown> {
  return {
    status: n.status,
    qualityScore: quality(n.quality_score?.score),
    parameterFormat: n.parameter_format ?? null,
    rejectedReason: n.rejected_reason && n.rejected_reason !== 'NONE' ? n.rejected_reason : null,
    ...canSend(n.health_status),
    stale: false,
    breaker: null,
  };
}

/** The WABA is not (or no longer) registered for this tenant. */
export class WabaNotRegisteredError extends ServiceError {
  constructor(readonly wabaId: string) {
    super('not_found', `WABA ${wabaId} is not registered`);
    this.name = 'WabaNotRegisteredError';
  }
}

export interface SyncResult {
  wabaId: string;
  portfolioId: string;
  phoneNumbers: number;
  templates: number;
}

export function createRegistrySync(deps: {
  pool: Pool;
  registry: RegistryRepo;
  meta: MetaClient;
  secrets: SecretBox;
  /** Runs after each successful WABA sync (authored templates take the synced review states). */
  afterSync?: (tenantId: string, wabaId: string) => Promise<void>;
}) {
  const sync = {
    /** Pulls a WABA, its numbers and templates and their health from Meta; a failed pull marks them stale. */
    async syncWaba(tenantId: string, wabaId: string, accessToken?: string, name?: string): Promise<SyncResult> {
      const context = secretContext.wabaToken(tenantId, wabaId);
      const sealed = accessToken
        ? deps.secrets.seal(accessToken, context)
        : await deps.registry.wabaToken(tenantId, wabaId);
      if (!sealed) throw new WabaNotRegisteredError(wabaId);
      const token = accessToken ?? deps.secrets.open(sealed, context);
      let nodes: [WabaNode, PhoneNumberNode[], TemplateNode[]];
      try {
        nodes = await Promise.all([
          deps.meta.getWaba(wabaId, token),
          deps.meta.listPhoneNumbers(wabaId, token),
          deps.meta.listTemplates(wabaId, token),
        ]);
      } catch (err) {
        if (!accessToken) await markStale(tenantId, wabaId);
        throw err;
      }
      const [waba, phones, templates] = nodes;
      const portfolioId = waba.owner_business_info?.id ?? `waba:${wabaId}`;
      const tier =
        phones.find((p) => p.whatsapp_business_manager_messaging_limit)?.whatsapp_business_manager_messaging_limit ??
        phones.find((p) => p.messaging_limit_tier)?.messaging_limit_tier ??
        'TIER_250';
      await inTransaction(deps.pool, async (db) => {
        await deps.registry.upsertPortfolio(db, tenantId, { id: portfolioId, messagingTier: tier });
        const wf = wabaFields(waba);
        const wRow = { id: wabaId, portfolioId, name: name ?? waba.name, accessTokenEnc: sealed, fields: wf };
        const previous = (await deps.registry.row(db, tenantId, 'waba', wabaId))?.fields;
        await deps.registry.upsertWaba(
          db,
          tenantId,
          wRow,
          healthRecord('waba', { ...wRow, fields: { ...previous, ...wf }, health: {}, syncedAt: null }, 'sync'),
        );
        for (const p of phones) {
          const row = { id: p.id, wabaId, displayPhoneNumber: p.display_phone_number, fields: phoneFields(p) };
          await deps.registry.upsertPhone(
            db,
            tenantId,
            row,
            healthRecord('phone_number', { ...row, enabled: true, priority: 0, health: {}, syncedAt: null }, 'sync'),
          );
        }
        for (const t of templates) {
          const row = {
            id: t.id,
            wabaId,
            name: t.name,
            language: t.language,
            category: t.category,
            components: t.components,
            fields: templateFields(t),
          };
          await deps.registry.upsertTemplate(
            db,
            tenantId,
            row,
            healthRecord('template', { ...row, health: {}, syncedAt: null }, 'sync'),
          );
        }
        await deps.registry.pruneWaba(
          db,
          tenantId,
          wabaId,
          phones.map((p) => p.id),
          templates.map((t) => t.id),
        );
        await deps.registry.bumpVersion(tenantId, db);
      });
      await deps.afterSync?.(tenantId, wabaId);
      return { wabaId, portfolioId, phoneNumbers: phones.length, templates: templates.length };
    },

    /**
     * Refreshes every registered (tenant, WABA) through `syncWaba` — the same code as `POST /v1/wabas/:id/sync` —
     * at most `concurrency` at a time. Never throws for one WABA: its outcome says what happened (a failed WABA
     * is marked stale by `syncWaba`). `onProgress` runs after each WABA; `signal` stops taking new ones.
     */
    async refreshAll(opts: {
      concurrency: number;
      onProgress?: (done: number, total: number) => void;
      signal?: AbortSignal;
    }): Promise<WabaRefreshOutcome[]> {
      const targets = await deps.registry.allWabas();
      const outcomes: WabaRefreshOutcome[] = [];
      let next = 0;
      const lane = async () => {
        while (next < targets.length && !opts.signal?.aborted) {
          const { tenantId, wabaId } = targets[next++]!;
          outcomes.push(await refreshOne(tenantId, wabaId));
          opts.onProgress?.(outcomes.length, targets.length);
        }
      };
      const lanes = Math.max(1, Math.min(Math.floor(opts.concurrency) || 1, targets.length));
      await Promise.all(Array.from({ length: lanes }, lane));
      return outcomes;
    },
  };
  return sync;

  async function refreshOne(tenantId: string, wabaId: string): Promise<WabaRefreshOutcome> {
    try {
      const r = await sync.syncWaba(tenantId, wabaId);
      return { tenantId, wabaId, outcome: 'synced', phoneNumbers: r.phoneNumbers, templates: r.templates };
    } catch (err) {
      if (err instanceof WabaNotRegisteredError) return { tenantId, wabaId, outcome: 'skipped', error: err.message };
      const httpStatus = err instanceof MetaApiError ? err.httpStatus : undefined;
      const error = err instanceof Error ? err.message : String(err);
      return { tenantId, wabaId, outcome: 'failed', error, ...(httpStatus ? { httpStatus } : {}) };
    }
  }

  /**
   * A failed refresh: the WABA's facts may be out of date. Each resource not already stale becomes so, its
   * verdict is re-evaluated (at best degraded), stored and recorded, and the registry version moves.
   */
  async function markStale(tenantId: string, wabaId: string): Promise<void> {
    const now = Date.now();
    const change = { stale: true };
    await inTransaction(deps.pool, async (db) => {
      const rows = await deps.registry.markWabaStale(db, tenantId, wabaId);
      for (const row of rows.wabas) {
        await deps.registry.recordHealth(db, tenantId, 'waba', row.id, change, healthRecord('waba', row, 'sync', now));
      }
      for (const row of rows.phones) {
        const health = healthRecord('phone_number', row, 'sync', now);
        await deps.registry.recordHealth(db, tenantId, 'phone_number', row.id, change, health);
      }
      for (const row of rows.templates) {
        const health = healthRecord('template', row, 'sync', now);
        await deps.registry.recordHealth(db, tenantId, 'template', row.id, change, health);
      }
      if (rows.wabas.length + rows.phones.length + rows.templates.length > 0) {
        await deps.registry.bumpVersion(tenantId, db);
      }
    });
  }
}

export type RegistrySync = ReturnType<typeof createRegistrySync>;
