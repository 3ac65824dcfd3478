import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { PhoneRow, RegistryRepo, TemplateRow, WabaRow } from '../../db/repositories/registry';
import { phoneFromRow, templateFromRow, toSnapshot, wabaFromRow } from '../../db/registry-snapshot';
import type { HealthChangesRepo } from '../../db/repositories/health-changes';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../../domain/health';
import { healthMatrix } from '../health-matrix';
import { classifyGraphError } from '../../meta/failure-class';
import type { RegistrySync } from '../../services/registry-sync';
import { boundedInt, patternText, safeText } from '../../domain/safe-input';
import { tenantOf } from '../auth';
import { graphIdSchema, languageSchema, templateNameSchema } from '../schemas/common';
import { HttpError, notFound } from '../errors';
import { decodeCursor, pageOf, pageQueryShape } from '../pagination';
import { parse } from '../validate';

const graphId = graphIdSchema;
/** Meta's tokens are printable ASCII; anything else could not even travel in an Authorization header. */
const accessTokenSchema = patternText(
  /^[\x21-\x7e]{8,4096}$/,
  'must be a Meta access token (8+ printable ASCII characters)',
  4096,
);
export const registerWabaBody = z
  .object({ id: graphId, name: safeText(200).optional(), accessToken: accessTokenSchema })
  .strict();
const idParams = z.object({ id: graphId });
export const phonePatchBody = z
  .object({ enabled: z.boolean().optional(), priority: boundedInt(-1000, 1000).optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.priority !== undefined, 'give enabled and/or priority');
const groupParams = z.object({ key: templateNameSchema });
export const groupBody = z
  .object({
    members: z
      .array(
        z
          .object({
            wabaId: graphId,
            name: templateNameSchema,
            language: languageSchema,
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();

/**
 * Meta's answer to a sync, as the contract's errors: its refusal is the caller's problem (422, naming the field
 * Meta objected to: the token for OAuth errors, the id for an object it cannot see), its outage ours (503).
 */
function syncError(fields: { id: string; token: string }) {
  return (err: unknown): never => {
    const cls = classifyGraphError(err);
    if (!cls) throw err;
    // No answer, an outage, a throttle: nothing the caller can fix.
    if (cls.kind === 'transient' || cls.kind === 'throttled') {
      throw new HttpError(503, 'meta_unavailable', 'Meta is unavailable; try again later');
    }
    const field = cls.kind === 'auth' ? fields.token : cls.code === 100 ? fields.id : 'body';
    const why = cls.message;
    throw new HttpError(422, 'meta_rejected', 'Meta refused the request (check the WABA id and access token)', [
      { field, message: `${cls.code !== null ? `(#${cls.code}) ` : ''}${why}`.slice(0, 500) },
    ]);
  };
}

/** The registry and health routes (docs/api.md). Health verdicts are evaluated now, from the stored facts. */
/** How far back the health matrix lists each resource's changes. */
const RECENT_CHANGES_MS = 24 * 3_600_000;

export function registryRouter(deps: {
  registry: RegistryRepo;
  sync: RegistrySync;
  changes: HealthChangesRepo;
}): Router {
  const router = Router();

  router.post('/wabas', async (req, res) => {
    const body = parse(req, 'body', registerWabaBody);
    const result = await deps.sync
      .syncWaba(tenantOf(res).id, body.id, body.accessToken, body.name)
      .catch(syncError({ id: 'body.id', token: 'body.accessToken' }));
    res.status(201).location(`/v1/wabas/${body.id}`).json(result);
  });

  router.post('/wabas/:id/sync', async (req, res) => {
    const { id } = parse(req, 'params', idParams);
    const tenantId = tenantOf(res).id;
    if (!(await deps.registry.wabaToken(tenantId, id))) throw notFound('WABA');
    // The same code path as the scheduled refresh (activities/registry-sync.ts): a failure marks the WABA stale.
    res.json(await deps.sync.syncWaba(tenantId, id).catch(syncError({ id: 'params.id', token: 'accessToken' })));
  });

  const snapshotOf = async (tenantId: string) => toSnapshot(await deps.registry.load(tenantId));

  const listQuery = z.object(pageQueryShape).strict();
  const list = <T extends 'waba' | 'phone_number' | 'template'>(
    type: T,
    view: (row: Awaited<ReturnType<RegistryRepo['page']>>[number], now: number) => unknown,
  ): RequestHandler => {
    return async (req, res) => {
      const q = parse(req, 'query', listQuery);
      const [afterId] = decodeCursor(q.cursor, 1) ?? [];
      const rows = await deps.registry.page(tenantOf(res).id, type, { afterId, limit: q.limit + 1 });
      const now = Date.now();
      res.json(
        pageOf(
          rows,
          q.limit,
          (r) => [r.id],
          (r) => view(r, now),
        ),
      );
    };
  };

  router.get(
    '/wabas',
    list('waba', (r, now) => {
      const w = wabaFromRow(r as WabaRow);
      return { ...w, health: evaluateWaba(w, now) };
    }),
  );
  router.get(
    '/phone-numbers',
    list('phone_number', (r, now) => {
      const p = phoneFromRow(r as PhoneRow);
      return { ...p, health: evaluatePhoneNumber(p, now) };
    }),
  );
  router.get(
    '/templates',
    list('template', (r, now) => {
      const t = templateFromRow(r as TemplateRow);
      return { ...t, health: evaluateTemplate(t, now) };
    }),
  );

  router.patch('/phone-numbers/:id', async (req, res) => {
    const { id } = parse(req, 'params', idParams);
    const body = parse(req, 'body', phonePatchBody);
    if (!(await deps.registry.setOperatorControls(tenantOf(res).id, id, body))) throw notFound('phone number');
    res.json({ id, ...body });
  });

  router.put('/template-groups/:key', async (req, res) => {
    const { key } = parse(req, 'params', groupParams);
    const body = parse(req, 'body', groupBody);
    await deps.registry.putGroup(tenantOf(res).id, { key, members: body.members });
    res.json({ key, members: body.members });
  });

  router.get('/health', async (_req, res) => {
    const now = Date.now();
    const tenantId = tenantOf(res).id;
    const [s, changes] = await Promise.all([
      snapshotOf(tenantId),
      deps.changes.recent(tenantId, new Date(now - RECENT_CHANGES_MS)),
    ]);
    res.json(healthMatrix(s, changes, now));
  });

  return router;
}
