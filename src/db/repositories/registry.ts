import type { Pool, PoolClient } from '../pool';

/** Registry rows as stored. `fields` holds Meta's node fields plus state learnt from webhooks and send errors. */
export interface WabaRow {
  id: string;
  portfolioId: string;
  name: string;
  accessTokenEnc: string;
  fields: Record<string, unknown>;
  health: Record<string, unknown>;
  syncedAt: string | null;
}
export interface PhoneRow {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  fields: Record<string, unknown>;
  enabled: boolean;
  priority: number;
  health: Record<string, unknown>;
  syncedAt: string | null;
}
export interface TemplateRow {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  components: unknown[];
  fields: Record<string, unknown>;
  health: Record<string, unknown>;
  syncedAt: string | null;
}
export interface PortfolioRow {
  id: string;
  messagingTier: string;
}
export interface GroupRow {
  key: string;
  members: { wabaId: string; name: string; language: string }[];
}
export type ResourceType = 'waba' | 'phone_number' | 'template' | 'portfolio';

export const TABLE: Record<Exclude<ResourceType, 'portfolio'>, string> = {
  waba: 'wabas',
  phone_number: 'phone_numbers',
  template: 'templates',
};

type Queryable = Pool | PoolClient;

/** The columns of each resource row (WabaRow, PhoneRow, TemplateRow), written once for every query. */
export const COLUMNS: Record<Exclude<ResourceType, 'portfolio'>, string> = {
  waba: `id, portfolio_id AS "portfolioId", name, access_token_enc AS "accessTokenEnc", fields, health, synced_at AS "syncedAt"`,
  phone_number: `id, waba_id AS "wabaId", display_phone_number AS "displayPhoneNumber", fields, enabled, priority, health, synced_at AS "syncedAt"`,
  template: `id, waba_id AS "wabaId", name, language, category, components, fields, health, synced_at AS "syncedAt"`,
};

export type RegistryRepo = ReturnType<typeof createRegistryRepo>;

export function createRegistryRepo(pool: Pool) {
  async function bumpVersion(db: Queryable, tenantId: string): Promise<void> {
    await db.query(
      `INSERT INTO registry_versions (tenant_id, version) VALUES ($1, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET version = registry_versions.version + 1`,
      [tenantId],
    );
  }

  return {
    bumpVersion: (tenantId: string, db: Queryable = pool) => bumpVersion(db, tenantId),

    async version(tenantId: string): Promise<number> {
      const res = await pool.query('SELECT version FROM registry_versions WHERE tenant_id = $1', [tenantId]);
      return (res.rows[0]?.version as number | undefined) ?? 0;
    },

    async upsertPortfolio(db: Queryable, tenantId: string, p: PortfolioRow): Promise<void> {
      await db.query(
        `INSERT INTO portfolios (tenant_id, id, messaging_tier) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, id) DO UPDATE SET messaging_tier = EXCLUDED.messaging_tier, updated_at = now()`,
        [tenantId, p.id, p.messagingTier],
      );
    },

    async upsertWaba(db: Queryable, tenantId: string, w: Omit<WabaRow, 'health' | 'syncedAt'>, health: unknown) {
      await db.query(
        `INSERT INTO wabas (tenant_id, id, portfolio_id, name, access_token_enc, fields, health, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (tenant_id, id) DO UPDATE SET portfolio_id = EXCLUDED.portfolio_id, name = EXCLUDED.name,
           access_token_enc = EXCLUDED.access_token_enc, fields = wabas.fields || EXCLUDED.fields,
           health = EXCLUDED.health, synced_at = now()`,
        [tenantId, w.id, w.portfolioId, w.name, w.accessTokenEnc, w.fields, health],
      );
    },

    async upsertPhone(
      db: Queryable,
      tenantId: string,
      p: Omit<PhoneRow, 'enabled' | 'priority' | 'health' | 'syncedAt'>,
      health: unknown,
    ) {
      // Operator controls (enabled, priority) survive every sync.
      await db.query(
        `INSERT INTO phone_numbers (tenant_id, id, waba_id, display_phone_number, fields, health, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (tenant_id, id) DO UPDATE SET waba_id = EXCLUDED.waba_id,
           display_phone_number = EXCLUDED.display_phone_number, fields = phone_numbers.fields || EXCLUDED.fields,
           health = EXCLUDED.health, synced_at = now()`,
        [tenantId, p.id, p.wabaId, p.displayPhoneNumber, p.fields, health],
      );
    },

    async upsertTemplate(
      db: Queryable,
      tenantId: string,
      t: Omit<TemplateRow, 'health' | 'syncedAt'>,
      health: unknown,
    ) {
      await db.query(
        `INSERT INTO templates (tenant_id, id, waba_id, name, language, category, components, fields, health, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
         ON CONFLICT (tenant_id, id) DO UPDATE SET waba_id = EXCLUDED.waba_id, name = EXCLUDED.name,
           language = EXCLUDED.language, category = EXCLUDED.category, components = EXCLUDED.components,
           fields = templates.fields || EXCLUDED.fields, health = EXCLUDED.health, synced_at = now()`,
        [tenantId, t.id, t.wabaId, t.name, t.language, t.category, JSON.stringify(t.components), t.fields, health],
      );
    },

    /** Removes phones/templates that Meta no longer lists for a WABA. */
    async pruneWaba(db: Queryable, tenantId: string, wabaId: string, phoneIds: string[], templateIds: string[]) {
      await db.query('DELETE FROM phone_numbers WHERE tenant_id = $1 AND waba_id = $2 AND NOT (id = ANY($3))', [
        tenantId,
        wabaId,
        phoneIds,
      ]);
      await db.query('DELETE FROM templates WHERE tenant_id = $1 AND waba_id = $2 AND NOT (id = ANY($3))', [
        tenantId,
        wabaId,
        templateIds,
      ]);
    },

    /** Merges a partial change into a resource's fields, stores the recomputed health, and records the change. */
    async patchFields(
      db: Queryable,
      tenantId: string,
      type: Exclude<ResourceType, 'portfolio'>,
      id: string,
      patch: Record<string, unknown>,
      source: string,
    ): Promise<boolean> {
      const res = await db.query(
        `UPDATE ${TABLE[type]} SET fields = fields || $3::jsonb WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, JSON.stringify(patch)],
      );
      if (!res.rowCount) return false;
      await db.query(
        'INSERT INTO health_changes (tenant_id, resource_type, resource_id, source, change) VALUES ($1, $2, $3, $4, $5)',
        [tenantId, type, id, source, patch],
      );
      return true;
    },

    async setHealth(
      db: Queryable,
      tenantId: string,
      type: Exclude<ResourceType, 'portfolio'>,
      id: string,
      health: unknown,
    ) {
      await db.query(`UPDATE ${TABLE[type]} SET health = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, health]);
    },

    /**
     * Marks a WABA, its numbers and its templates stale (the latest refresh from Meta failed) and returns the rows
     * that were not stale yet, so the caller can re-evaluate and store their verdicts. Already-stale rows are left
     * alone: a long outage does not write a change per resource per refresh.
     */
    async markWabaStale(db: Queryable, tenantId: string, wabaId: string) {
      const notStale = `fields->'stale' IS DISTINCT FROM 'true'::jsonb`;
      const set = `SET fields = fields || '{"stale": true}'::jsonb`;
      const wabas = await db.query(
        `UPDATE wabas ${set} WHERE tenant_id = $1 AND id = $2 AND ${notStale}
         RETURNING ${COLUMNS.waba}`,
        [tenantId, wabaId],
      );
      const phones = await db.query(
        `UPDATE phone_numbers ${set} WHERE tenant_id = $1 AND waba_id = $2 AND ${notStale}
         RETURNING ${COLUMNS.phone_number}`,
        [tenantId, wabaId],
      );
      const templates = await db.query(
        `UPDATE templates ${set} WHERE tenant_id = $1 AND waba_id = $2 AND ${notStale}
         RETURNING ${COLUMNS.template}`,
        [tenantId, wabaId],
      );
      return {
        wabas: wabas.rows as WabaRow[],
        phones: phones.rows as PhoneRow[],
        templates: templates.rows as TemplateRow[],
      };
    },

    /** Stores a resource's re-evaluated verdict and records the change that caused it (with that verdict). */
    async recordHealth(
      db: Queryable,
      tenantId: string,
      type: Exclude<ResourceType, 'portfolio'>,
      id: string,
      change: Record<string, unknown>,
      health: { verdict: string; source: string },
    ) {
      await db.query(`UPDATE ${TABLE[type]} SET health = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, health]);
      await db.query(
        `INSERT INTO health_changes (tenant_id, resource_type, resource_id, source, change, verdict)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [tenantId, type, id, health.source, change, health.verdict],
      );
    },

    /** The verdict a resource's latest health change led to (known only once the change is merged). */
    async setLatestChangeVerdict(
      db: Queryable,
      tenantId: string,
      type: Exclude<ResourceType, 'portfolio'>,
      id: string,
      verdict: string,
    ) {
      await db.query(
        `UPDATE health_changes SET verdict = $4 WHERE id = (SELECT max(id) FROM health_changes
           WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3)`,
        [tenantId, type, id, verdict],
      );
    },

    async setOperatorControls(tenantId: string, id: string, c: { enabled?: boolean; priority?: number }) {
      const res = await pool.query(
        `UPDATE phone_numbers SET enabled = COALESCE($3, enabled), priority = COALESCE($4, priority)
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, c.enabled ?? null, c.priority ?? null],
      );
      if (res.rowCount) await bumpVersion(pool, tenantId);
      return (res.rowCount ?? 0) > 0;
    },

    async putGroup(tenantId: string, g: GroupRow): Promise<void> {
      await pool.query(
        `INSERT INTO template_groups (tenant_id, key, members) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, key) DO UPDATE SET members = EXCLUDED.members, updated_at = now()`,
        [tenantId, g.key, JSON.stringify(g.members)],
      );
      await bumpVersion(pool, tenantId);
    },

    async load(tenantId: string) {
      const [portfolios, wabas, phones, templates, groups] = await Promise.all([
        pool.query('SELECT id, messaging_tier AS "messagingTier" FROM portfolios WHERE tenant_id = $1 ORDER BY id', [
          tenantId,
        ]),
        pool.query(`SELECT ${COLUMNS.waba} FROM wabas WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]),
        pool.query(`SELECT ${COLUMNS.phone_number} FROM phone_numbers WHERE tenant_id = $1 ORDER BY id`, [tenantId]),
        pool.query(`SELECT ${COLUMNS.template} FROM templates WHERE tenant_id = $1 ORDER BY id`, [tenantId]),
        pool.query('SELECT key, members FROM template_groups WHERE tenant_id = $1 ORDER BY key', [tenantId]),
      ]);
      return {
        portfolios: portfolios.rows as PortfolioRow[],
        wabas: wabas.rows as WabaRow[],
        phones: phones.rows as PhoneRow[],
        templates: templates.rows as TemplateRow[],
        groups: groups.rows as GroupRow[],
      };
    },

    /** One resource row, locked for update when a change is about to be merged into it. */
    async row(db: Queryable, tenantId: string, type: Exclude<ResourceType, 'portfolio'>, id: string, lock = false) {
      const res = await db.query(
        `SELECT ${COLUMNS[type]} FROM ${TABLE[type]} WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
        [tenantId, id],
      );
      return res.rows[0] as WabaRow | PhoneRow | TemplateRow | undefined;
    },

    async template(tenantId: string, id: string): Promise<TemplateRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS.template} FROM templates WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      return res.rows[0] as TemplateRow | undefined;
    },

    /** One page of a resource list, by id (keyset): the rows after `afterId`, at most `limit`. */
    async page<T extends Exclude<ResourceType, 'portfolio'>>(
      tenantId: string,
      type: T,
      page: { afterId?: string; limit: number },
    ): Promise<(T extends 'waba' ? WabaRow : T extends 'phone_number' ? PhoneRow : TemplateRow)[]> {
      const res = await pool.query(
        `SELECT ${COLUMNS[type]} FROM ${TABLE[type]} WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2)
          ORDER BY id LIMIT $3`,
        [tenantId, page.afterId ?? null, page.limit],
      );
      return res.rows as never;
    },

    async wabaToken(tenantId: string, wabaId: string): Promise<string | undefined> {
      const res = await pool.query('SELECT access_token_enc FROM wabas WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        wabaId,
      ]);
      return res.rows[0]?.access_token_enc as string | undefined;
    },

    /** Every registered (tenant, WABA), tenants and WABAs in registration order: what a scheduled refresh walks. */
    async allWabas(): Promise<{ tenantId: string; wabaId: string }[]> {
      const res = await pool.query(
        `SELECT w.tenant_id AS "tenantId", w.id AS "wabaId" FROM wabas w JOIN tenants t ON t.id = w.tenant_id
          ORDER BY t.created_at, w.tenant_id, w.created_at, w.id`,
      );
      return res.rows as { tenantId: string; wabaId: string }[];
    },

    /** Which tenants registered this Meta WABA (a webhook names only the WABA). */
    async tenantsOfWaba(wabaId: string): Promise<string[]> {
      const res = await pool.query('SELECT tenant_id FROM wabas WHERE id = $1', [wabaId]);
      return res.rows.map((r: { tenant_id: string }) => r.tenant_id);
    },

    async tenantsOfPhone(phoneNumberId: string): Promise<string[]> {
      const res = await pool.query('SELECT tenant_id FROM phone_numbers WHERE id = $1', [phoneNumberId]);
      return res.rows.map((r: { tenant_id: string }) => r.tenant_id);
    },
  };
}
