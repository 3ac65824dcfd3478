import { Router } from 'express';
import { z } from 'zod';
import type { RegistryRepo } from '../../db/repositories/registry';
import { toSnapshot } from '../../db/registry-snapshot';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../../domain/health';
import { classifyGraphError } from '../../meta/failure-class';
import { type RegistrySync, WabaNotRegisteredError } from '../../services/registry-sync';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';

const graphId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a Meta object id');
export const registerWabaBody = z
  .object({ id: graphId, name: z.string().min(1).max(200).optional(), accessToken: z.string().min(8).max(4096) })
  .strict();
const idParams = z.object({ id: graphId });
export const phonePatchBody = z
  .object({ enabled: z.boolean().optional(), priority: z.number().int().min(-1000).max(1000).optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.priority !== undefined, 'give enabled and/or priority');
const groupParams = z.object({ key: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name-like key') });
export const groupBody = z
  .object({
    members: z
      .array(
        z
          .object({
            wabaId: graphId,
            name: z.string().regex(/^[a-z0-9_]{1,512}$/),
            language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2,4})?$/),
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
    if (err instanceof WabaNotRegisteredError) throw notFound('WABA');
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
export function registryRouter(deps: { registry: RegistryRepo; sync: RegistrySync }): Router {
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

  router.get('/wabas', async (_req, res) => {
    const now = Date.now();
    const s = await snapshotOf(tenantOf(res).id);
    res.json({ data: s.wabas.map((w) => ({ ...w, health: evaluateWaba(w, now) })) });
  });

  router.get('/phone-numbers', async (_req, res) => {
    const now = Date.now();
    const s = await snapshotOf(tenantOf(res).id);
    res.json({ data: s.phoneNumbers.map((p) => ({ ...p, health: evaluatePhoneNumber(p, now) })) });
  });

  router.get('/templates', async (_req, res) => {
    const now = Date.now();
    const s = await snapshotOf(tenantOf(res).id);
    res.json({ data: s.templates.map((t) => ({ ...t, health: evaluateTemplate(t, now) })) });
  });

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
    const s = await snapshotOf(tenantOf(res).id);
    const row = (type: string, id: string, name: string, h: { verdict: string; reasons: readonly unknown[] }) => ({
      type,
      id,
      name,
      verdict: h.verdict,
      reasons: h.reasons,
    });
    res.json({
      checkedAt: new Date(now).toISOString(),
      wabas: s.wabas.map((w) => row('waba', w.id, w.name, evaluateWaba(w, now))),
      phoneNumbers: s.phoneNumbers.map((p) => ({
        ...row('phone_number', p.id, p.displayPhoneNumber, evaluatePhoneNumber(p, now)),
        wabaId: p.wabaId,
      })),
      templates: s.templates.map((t) => ({
        ...row('template', t.id, `${t.name}/${t.language}`, evaluateTemplate(t, now)),
        wabaId: t.wabaId,
      })),
    });
  });

  return router;
}
