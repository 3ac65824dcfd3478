import { Router } from 'express';
import { z } from 'zod';
import type { EscalationsRepo } from '../../db/repositories/escalations';
import type { SecretBox } from '../../secrets';
import { ESCALATION_SIGNATURE_HEADER, escalationView } from '../../services/webhooks/escalation-forwarder';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
import { decodeCursor, pageOf, pageQueryShape } from '../pagination';
import { parse } from '../validate';

const listQuery = z.object({ status: z.enum(['open', 'resolved']).optional(), ...pageQueryShape }).strict();
const idParams = z.object({ id: z.uuid() });

/** Human escalations raised by customers' keywords (docs/webhooks.md): the tenant's agent desk reads and resolves them. */
export function escalationsRouter(deps: { escalations: EscalationsRepo; secrets: SecretBox }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parse(req, 'query', listQuery);
    const after = decodeCursor(q.cursor, 2);
    const rows = await deps.escalations.list(tenantOf(res).id, { ...q, limit: q.limit + 1, after });
    res.json(pageOf(rows, q.limit, (r) => [r.sortAt, r.id], escalationView));
  });

  /** The secret that signs forwarded escalations (HMAC-SHA256 of the raw body); independent of API keys. */
  router.get('/signing-secret', async (_req, res) => {
    const secret = await deps.escalations.signingSecret(tenantOf(res).id, deps.secrets);
    res.json({ secret, header: ESCALATION_SIGNATURE_HEADER, algorithm: 'HMAC-SHA256', format: 'sha256=<hex>' });
  });

  router.post('/:id/resolve', async (req, res) => {
    const { id } = parse(req, 'params', idParams);
    const row = await deps.escalations.resolve(tenantOf(res).id, id);
    if (!row) throw notFound('escalation');
    res.json(escalationView(row));
  });

  return router;
}
