import type { Pool } from '../pool';

export interface HealthChangeRow {
  resourceType: string;
  resourceId: string;
  source: string;
  change: Record<string, unknown>;
  verdict: string | null;
  at: string;
}

export type HealthChangesRepo = ReturnType<typeof createHealthChangesRepo>;

/** The audit trail of health facts (docs/health.md), read back for the health matrix's "what changed recently". */
export function createHealthChangesRepo(pool: Pool) {
  return {
    /** Each resource's latest `perResource` changes since `since`, newest first. */
    async recent(tenantId: string, since: Date, perResource = 5): Promise<HealthChangeRow[]> {
      const res = await pool.query(
        `SELECT resource_type AS "resourceType", resource_id AS "resourceId", source, change, verdict, at
           FROM (SELECT *, row_number() OVER (PARTITION BY resource_type, resource_id ORDER BY at DESC, id DESC) AS n
                   FROM health_changes WHERE tenant_id = $1 AND at >= $2) c
          WHERE n <= $3 ORDER BY at DESC, id DESC`,
        [tenantId, since, perResource],
      );
      return res.rows.map((r: HealthChangeRow & { at: Date }) => ({ ...r, at: r.at.toISOString() }));
    },
  };
}
