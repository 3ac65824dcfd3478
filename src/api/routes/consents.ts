import { Router, type Response } from 'express';
import type { ConsentRecordRow, ConsentRecordsRepo } from '../../db/repositories/consent-records';
import { csvLine } from '../csv';
import { tenantOf } from '../auth';
import { consentsQuery } from '../schemas/consents';
import { parse } from '../validate';

const COLUMNS: (keyof ConsentRecordRow)[] = [
  'id',
  'waId',
  'kind',
  'channel',
  'wording',
  'source',
  'sourceRef',
  'proof',
  'keyword',
  'occurredAt',
  'recordedAt',
];
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
const view = (r: ConsentRecordRow) => ({ ...r, occurredAt: iso(r.occurredAt), recordedAt: iso(r.recordedAt) });

/** Streams every record after the cursor as CSV, a page at a time (memory stays flat for millions of rows). */
async function streamCsv(res: Response, consents: ConsentRecordsRepo, tenantId: string, afterId: number) {
  res.type('text/csv; charset=utf-8').attachment('consents.csv');
  res.write(csvLine(COLUMNS) + '\n');
  for (let after = afterId; ;) {
    const rows = await consents.page(tenantId, after, 1000);
    if (rows.length === 0) break;
    const chunk = rows.map((r) => csvLine(COLUMNS.map((c) => iso(r[c])))).join('\n') + '\n';
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    after = rows[rows.length - 1]!.id;
  }
  res.end();
}

/** GET /v1/consents: the tenant's consent history for an audit (docs/conversations.md, "Consent records"). */
export function consentsRouter(deps: { consents: ConsentRecordsRepo }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = parse(req, 'query', consentsQuery);
    const tenantId = tenantOf(res).id;
    const after = q.cursor === undefined ? 0 : Number(q.cursor);
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv')
      return streamCsv(res, deps.consents, tenantId, after);
    const rows = await deps.consents.page(tenantId, after, q.limit);
    res.json({
      data: rows.map(view),
      nextCursor: rows.length === q.limit ? String(rows[rows.length - 1]!.id) : null,
    });
  });
  return router;
}
