import type { Pool, PoolClient } from '../pool';

/**
 * One language variant of a logical template as authored (POST /v1/templates); `components` in Meta's creation
 * format. A key has one row per language; its variants share the category.
 */
export interface AuthoredTemplateRow {
  key: string;
  name: string;
  language: string;
  category: string;
  parameterFormat: string | null;
  components: unknown[];
  shape: Record<string, unknown>;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** One WABA's member of a logical template's language variant: its submission and Meta's review state. */
export interface SubmissionRow {
  key: string;
  language: string;
  wabaId: string;
  position: number;
  templateId: string | null;
  status: string;
  reason: string | null;
  category: string | null;
  revision: number;
  error: Record<string, unknown> | null;
  submittedAt: string | null;
  updatedAt: string;
}

export type SubmissionChange = Partial<
  Pick<SubmissionRow, 'templateId' | 'status' | 'reason' | 'category' | 'revision' | 'error'>
> & { submitted?: boolean };

type Queryable = Pool | PoolClient;

const AUTHORED = `key, name, language, category, parameter_format AS "parameterFormat", components, shape, revision,
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const SUBMISSION = `key, language, waba_id AS "wabaId", position, template_id AS "templateId", status, reason, category, revision,
  error, submitted_at AS "submittedAt", updated_at AS "updatedAt"`;

export type AuthoredTemplatesRepo = ReturnType<typeof createAuthoredTemplatesRepo>;

/** Authored templates and their per-WABA submissions; every query scoped by tenant. */
export function createAuthoredTemplatesRepo(pool: Pool) {
  return {
    /**
     * Serialises the writers of one key until the transaction of `db` ends: adding a language checks the
     * variants already there (same language, category) before inserting.
     */
    async lockKey(db: PoolClient, tenantId: string, key: string): Promise<void> {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [tenantId, `authored:${key}`]);
    },

    /** Inserts a language variant; false when the key already has this language. */
    async insert(
      db: Queryable,
      tenantId: string,
      t: Omit<AuthoredTemplateRow, 'revision' | 'createdAt' | 'updatedAt'>,
    ): Promise<boolean> {
      const res = await db.query(
        `INSERT INTO authored_templates (tenant_id, key, name, language, category, parameter_format, components, shape)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [tenantId, t.key, t.name, t.language, t.category, t.parameterFormat, JSON.stringify(t.components), t.shape],
      );
      return (res.rowCount ?? 0) > 0;
    },

    /** New content for one language variant: its revision moves on. */
    async update(
      db: Queryable,
      tenantId: string,
      key: string,
      language: string,
      t: Pick<AuthoredTemplateRow, 'category' | 'parameterFormat' | 'components' | 'shape'>,
    ): Promise<AuthoredTemplateRow | undefined> {
      const res = await db.query(
        `UPDATE authored_templates SET category = $4, parameter_format = $5, components = $6, shape = $7,
           revision = revision + 1, updated_at = now()
         WHERE tenant_id = $1 AND key = $2 AND language = $3 RETURNING ${AUTHORED}`,
        [tenantId, key, language, t.category, t.parameterFormat, JSON.stringify(t.components), t.shape],
      );
      return res.rows[0] as AuthoredTemplateRow | undefined;
    },

    /** Every language variant of a key, in the order they were authored. */
    async variants(tenantId: string, key: string, db: Queryable = pool): Promise<AuthoredTemplateRow[]> {
      const res = await db.query(
        `SELECT ${AUTHORED} FROM authored_templates WHERE tenant_id = $1 AND key = $2 ORDER BY created_at, language`,
        [tenantId, key],
      );
      return res.rows as AuthoredTemplateRow[];
    },

    async remove(tenantId: string, key: string, language: string): Promise<void> {
      await pool.query('DELETE FROM authored_templates WHERE tenant_id = $1 AND key = $2 AND language = $3', [
        tenantId,
        key,
        language,
      ]);
    },

    /** The members of a key (of one language when given), in preference order. */
    async submissions(
      tenantId: string,
      key: string,
      language?: string,
      db: Queryable = pool,
    ): Promise<SubmissionRow[]> {
      const res = await db.query(
        `SELECT ${SUBMISSION} FROM template_submissions
          WHERE tenant_id = $1 AND key = $2 AND ($3::text IS NULL OR language = $3) ORDER BY position, language`,
        [tenantId, key, language ?? null],
      );
      return res.rows as SubmissionRow[];
    },

    /** Creates or updates one member's submission. */
    async putSubmission(
      db: Queryable,
      tenantId: string,
      key: string,
      language: string,
      wabaId: string,
      position: number,
      c: SubmissionChange & Pick<SubmissionRow, 'status' | 'revision'>,
    ): Promise<void> {
      await db.query(
        `INSERT INTO template_submissions (tenant_id, key, language, waba_id, position, template_id, status, reason,
           category, revision, error, submitted_at)
         VALUES ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $11 THEN now() END)
         ON CONFLICT (tenant_id, key, language, waba_id) DO UPDATE SET
           template_id = COALESCE(EXCLUDED.template_id, template_submissions.template_id),
           status = EXCLUDED.status, reason = EXCLUDED.reason,
           category = COALESCE(EXCLUDED.category, template_submissions.category), revision = EXCLUDED.revision,
           error = EXCLUDED.error, submitted_at = COALESCE(EXCLUDED.submitted_at, template_submissions.submitted_at),
           updated_at = now()`,
        [
          tenantId,
          key,
          wabaId,
          position,
          c.templateId ?? null,
          c.status,
          c.reason ?? null,
          c.category ?? null,
          c.revision,
          c.error ?? null,
          c.submitted === true,
          language,
        ],
      );
    },

    /**
     * Meta's review news about one template id (webhook or sync): Meta's id names one (WABA, name, language), so
     * exactly the member of that language variant changes. Returns the keys it concerns.
     */
    async reviewed(
      tenantId: string,
      templateId: string,
      c: { status?: string; reason?: string | null; category?: string },
      db: Queryable = pool,
    ): Promise<string[]> {
      const res = await db.query(
        `UPDATE template_submissions SET status = COALESCE($3, status),
           reason = CASE WHEN $3::text IS NULL THEN reason WHEN $3 = 'REJECTED' THEN COALESCE($4, reason) ELSE $4 END,
           category = COALESCE($5, category), updated_at = now()
         WHERE tenant_id = $1 AND template_id = $2 RETURNING key`,
        [tenantId, templateId, c.status ?? null, c.reason ?? null, c.category ?? null],
      );
      return [...new Set(res.rows.map((r: { key: string }) => r.key))];
    },

    /** Members of a WABA that Meta knows (have a template id): what a sync reconciles. */
    async submittedInWaba(tenantId: string, wabaId: string): Promise<SubmissionRow[]> {
      const res = await pool.query(
        `SELECT ${SUBMISSION} FROM template_submissions
          WHERE tenant_id = $1 AND waba_id = $2 AND template_id IS NOT NULL`,
        [tenantId, wabaId],
      );
      return res.rows as SubmissionRow[];
    },

    async removeSubmission(tenantId: string, key: string, language: string, wabaId: string): Promise<void> {
      await pool.query(
        'DELETE FROM template_submissions WHERE tenant_id = $1 AND key = $2 AND language = $3 AND waba_id = $4',
        [tenantId, key, language, wabaId],
      );
    },

    /** Drops a deleted member's registry row, so nothing resolves to it before the next sync. */
    async forgetTemplate(tenantId: string, templateId: string): Promise<void> {
      await pool.query('DELETE FROM templates WHERE tenant_id = $1 AND id = $2', [tenantId, templateId]);
    },

    /** Replaces the template group of `key` (an empty member list removes it); true when it changed. */
    async setGroup(
      tenantId: string,
      key: string,
      members: { wabaId: string; name: string; language: string }[],
      db: Queryable = pool,
    ) {
      const current = await db.query('SELECT members FROM template_groups WHERE tenant_id = $1 AND key = $2', [
        tenantId,
        key,
      ]);
      const before = current.rows[0]?.members as unknown;
      if (JSON.stringify(before ?? []) === JSON.stringify(members)) return false;
      if (members.length === 0) {
        await db.query('DELETE FROM template_groups WHERE tenant_id = $1 AND key = $2', [tenantId, key]);
      } else {
        await db.query(
          `INSERT INTO template_groups (tenant_id, key, members) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, key) DO UPDATE SET members = EXCLUDED.members, updated_at = now()`,
          [tenantId, key, JSON.stringify(members)],
        );
      }
      return true;
    },
  };
}
