import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { RegistryRepo } from '../db/repositories/registry';
import { phoneFromRow, templateFromRow, wabaFromRow } from '../db/registry-snapshot';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../domain/health';
import type { HealthRecord, HealthSource } from '../domain/registry';

export type RegistryResource = 'waba' | 'phone_number' | 'template';

export function healthRecord(
  type: RegistryResource,
  row: Parameters<typeof wabaFromRow>[0] | Parameters<typeof phoneFromRow>[0] | Parameters<typeof templateFromRow>[0],
  source: HealthSource,
  now = Date.now(),
): HealthRecord {
  const health =
    type === 'waba'
      ? evaluateWaba(wabaFromRow(row as Parameters<typeof wabaFromRow>[0]), now)
      : type === 'phone_number'
        ? evaluatePhoneNumber(phoneFromRow(row as Parameters<typeof phoneFromRow>[0]), now)
        : evaluateTemplate(templateFromRow(row as Parameters<typeof templateFromRow>[0]), now);
  return { ...health, source, checkedAt: new Date(now).toISOString() };
}

/**
 * The one path for every health fact — sync, webhook, send error, operator: merge the change into the
 * resource's fields, re-evaluate its verdict, record the change, and bump the registry version so every
 * worker's next resolution sees it.
 */
export function createHealthUpdates(pool: Pool, registry: RegistryRepo) {
  return {
    async apply(
      tenantId: string,
      type: RegistryResource,
      id: string,
      patch: Record<string, unknown>,
      source: HealthSource,
    ): Promise<HealthRecord | undefined> {
      return inTransaction(pool, async (db) => {
        const found = await registry.patchFields(db, tenantId, type, id, patch, source);
        if (!found) return undefined;
        let row = (await registry.row(db, tenantId, type, id, true))!;
        // Newest fact wins: a webhook or operator change that leaves the resource sound closes a breaker opened
        // by an earlier send error (e.g. a WABA reinstated after the errors that marked it).
        if (source !== 'send_error' && row.fields?.breaker && !('breaker' in patch)) {
          const withoutBreaker = { ...row, fields: { ...row.fields, breaker: null } };
          if (healthRecord(type, withoutBreaker, source).verdict !== 'unhealthy') {
            await registry.patchFields(db, tenantId, type, id, { breaker: null }, source);
            row = withoutBreaker;
          }
        }
        const record = healthRecord(type, row, source);
        await registry.setHealth(db, tenantId, type, id, record);
        await registry.setLatestChangeVerdict(db, tenantId, type, id, record.verdict);
        await registry.bumpVersion(tenantId, db);
        return record;
      });
    },
  };
}

export type HealthUpdates = ReturnType<typeof createHealthUpdates>;
