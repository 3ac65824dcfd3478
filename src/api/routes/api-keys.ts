import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyRow, ApiKeysRepo } from '../../db/repositories/api-keys';
import { boundedInt, safeText } from '../../domain/safe-input';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { decodeCursor, pageOf, pageQueryShape } from '../pagination';
import { parse } from '../validate';

const listQuery = z.object(pageQueryShape).strict();
const idParams = z.object({ id: z.uuid('must be an API key id (UUID)') });
export const createKeyBody = z.object({ label: safeText(100).optional() }).strict();
/** Rotation keeps the old key working for `graceSeconds` (default 0: revoked at once), at most 7 days. */
export const rotateKeyBody = z
  .object({ graceSeconds: boundedInt(0, 7 * 86_400).default(0), label: safeText(100).optional() })
  .strict();

const keyView = (k: ApiKeyRow) => ({
  id: k.id,
  prefix: k.prefix,
  label: k.label,
  createdAt: new Date(k.createdAt).toISOString(),
  revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
});

/**
 * /v1/api-keys (docs/security.md, "API keys"): the tenant lists its keys (prefix and dates, never the key), adds
 * one, revokes one (401 from then on), or rotates one (a new key now, the old one revoked after a grace period).
 * The last active key cannot be revoked outright: rotate it instead.
 */
export function apiKeysRouter(deps: { keys: ApiKeysRepo }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parse(req, 'query', listQuery);
    const after = decodeCursor(q.cursor, 2);
    const rows = await deps.keys.list(tenantOf(res).id, {
      after: after as [string, string] | undefined,
      limit: q.limit + 1,
    });
    res.json(pageOf(rows, q.limit, (k) => [k.sortAt, k.id], keyView));
  });

  router.post('/', async (req, res) => {
    const body = parse(req, 'body', createKeyBody);
    const { row, apiKey } = await deps.keys.insert(tenantOf(res).id, body.label);
    res.status(201).json({ ...keyView(row), apiKey });
  });

  router.post('/:id/revoke', async (req, res) => {
    const { id } = parse(req, 'params', idParams);
    const revoked = await deps.keys.revoke(tenantOf(res).id, id);
    if (revoked === 'last_key') {
      throw new HttpError(409, 'last_key', 'this is the only active key: rotate it instead of revoking it');
    }
    if (!revoked) throw notFound('API key');
    res.json(keyView(revoked));
  });

  router.post('/:id/rotate', async (req, res) => {
    const { id } = parse(req, 'params', idParams);
    const body = parse(req, 'body', rotateKeyBody);
    const tenantId = tenantOf(res).id;
    const current = await deps.keys.get(tenantId, id);
    if (!current) throw notFound('API key');
    if (current.revokedAt && Date.parse(current.revokedAt) <= Date.now()) {
      throw new HttpError(409, 'revoked', 'a revoked key cannot be rotated');
    }
    const { row, apiKey } = await deps.keys.insert(tenantId, body.label ?? current.label ?? undefined);
    const old = await deps.keys.revoke(tenantId, id, body.graceSeconds * 1000);
    res.status(201).json({ ...keyView(row), apiKey, replaced: old && old !== 'last_key' ? keyView(old) : null });
  });

  return router;
}
