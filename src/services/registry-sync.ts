import { inTransaction, type Pool } from '../db/pool';
import type { RegistryRepo } from '../db/repositories/registry';
import type { MetaClient } from '../meta/client';
import type { HealthStatus, PhoneNumberNode, TemplateNode, WabaNode } from '../meta/graph-schemas';
import type { SecretBox } from '../secrets';
import { healthRecord } from './health-updates';

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
    ...canSend(n.health_status),
    stale: false,
    breaker: null,
  };
}

export interface SyncResult {
  wabaId: string;
  portfolioId: string;
  phoneNumbers: number;
  templates: number;
}

export function createRegistrySync(deps: { pool: Pool; registry: RegistryRepo; meta: MetaClient; secrets: SecretBox }) {
  return {
    /** Pulls a WABA, its numbers and templates and their health from Meta; a failed pull marks them stale. */
    async syncWaba(tenantId: string, wabaId: string, accessToken?: string, name?: string): Promise<SyncResult> {
      const sealed = accessToken ? deps.secrets.seal(accessToken) : await deps.registry.wabaToken(tenantId, wabaId);
      if (!sealed) throw new Error(`WABA ${wabaId} is not registered`);
      const token = accessToken ?? deps.secrets.open(sealed);
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
        const previous = (
          await db.query('SELECT fields FROM wabas WHERE tenant_id = $1 AND id = $2', [tenantId, wabaId])
        ).rows[0]?.fields;
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
        await db.query(
          `INSERT INTO registry_versions (tenant_id, version) VALUES ($1, 1)
           ON CONFLICT (tenant_id) DO UPDATE SET version = registry_versions.version + 1`,
          [tenantId],
        );
      });
      return { wabaId, portfolioId, phoneNumbers: phones.length, templates: templates.length };
    },
  };

  async function markStale(tenantId: string, wabaId: string): Promise<void> {
    await inTransaction(deps.pool, async (db) => {
      for (const table of ['wabas', 'phone_numbers', 'templates']) {
        const col = table === 'wabas' ? 'id' : 'waba_id';
        await db.query(
          `UPDATE ${table} SET fields = fields || '{"stale": true}'::jsonb WHERE tenant_id = $1 AND ${col} = $2`,
          [tenantId, wabaId],
        );
      }
      await db.query('UPDATE registry_versions SET version = version + 1 WHERE tenant_id = $1', [tenantId]);
    });
  }
}

export type RegistrySync = ReturnType<typeof createRegistrySync>;
