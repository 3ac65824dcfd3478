import type { Pool } from '../pool';

const DAY_MS = 86_400_000;

export type UsageRepo = ReturnType<typeof createUsageRepo>;

/** Messaging-limit and throughput accounting, shared by every worker through PostgreSQL. */
export function createUsageRepo(pool: Pool) {
  return {
    /** Counts a business-initiated send: the recipient joins the portfolio's rolling 24 h window; the number's rate. */
    async recordSend(
      tenantId: string,
      portfolioId: string | undefined,
      phoneNumberId: string,
      waId: string,
      now = Date.now(),
    ) {
      const queries = [
        pool.query(
          `INSERT INTO usage_phone_seconds (tenant_id, phone_number_id, second, sends) VALUES ($1, $2, $3, 1)
           ON CONFLICT (tenant_id, phone_number_id, second) DO UPDATE SET sends = usage_phone_seconds.sends + 1`,
          [tenantId, phoneNumberId, Math.floor(now / 1000)],
        ),
      ];
      if (portfolioId) {
        queries.push(
          pool.query(
            `INSERT INTO usage_recipients (tenant_id, portfolio_id, wa_id, last_sent_at) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0))
             ON CONFLICT (tenant_id, portfolio_id, wa_id) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at`,
            [tenantId, portfolioId, waId, now],
          ),
        );
      }
      await Promise.all(queries);
    },

    /** Usage inputs of one resolution: unique recipients per portfolio (24 h), this recipient's portfolios, rates. */
    async snapshot(tenantId: string, waId: string, now = Date.now()) {
      const since = now - DAY_MS;
      const [portfolios, counted, phones] = await Promise.all([
        pool.query(
          `SELECT portfolio_id, count(*)::int AS n FROM usage_recipients
            WHERE tenant_id = $1 AND last_sent_at > to_timestamp($2 / 1000.0) GROUP BY portfolio_id`,
          [tenantId, since],
        ),
        pool.query(
          `SELECT portfolio_id FROM usage_recipients
            WHERE tenant_id = $1 AND wa_id = $2 AND last_sent_at > to_timestamp($3 / 1000.0)`,
          [tenantId, waId, since],
        ),
        pool.query('SELECT phone_number_id, sends FROM usage_phone_seconds WHERE tenant_id = $1 AND second = $2', [
          tenantId,
          Math.floor(now / 1000),
        ]),
      ]);
      return {
        portfolios: Object.fromEntries(
          portfolios.rows.map((r: { portfolio_id: string; n: number }) => [
            r.portfolio_id,
            { uniqueRecipients24h: r.n },
          ]),
        ),
        recipientCountedIn: counted.rows.map((r: { portfolio_id: string }) => r.portfolio_id),
        phones: Object.fromEntries(
          phones.rows.map((r: { phone_number_id: string; sends: number }) => [
            r.phone_number_id,
            { sentLastSecond: r.sends },
          ]),
        ),
      };
    },

    /** Old rows only cost space: per-second counters older than a minute and recipients older than 24 h. */
    async prune(now = Date.now()) {
      await pool.query('DELETE FROM usage_phone_seconds WHERE second < $1', [Math.floor(now / 1000) - 60]);
      await pool.query('DELETE FROM usage_recipients WHERE last_sent_at < to_timestamp($1 / 1000.0)', [now - DAY_MS]);
    },
  };
}
