import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { applyAction } from '../actions/apply';
import { ControlError } from '../actions/errors';
import { ControlActionSchema } from '../actions/schema';
import { StatusBatchingSchema } from '../options';
import { type Runtime } from '../runtime';
import { ScenarioError } from '../scenario/load';
import { customerView, sendsView, stateView, webhooksView } from './control-views';
import { param } from './graph';

/** What the control API needs from the simulator beyond its runtime. */
export interface ControlDeps {
  rt: Runtime;
  reset(): void;
  loadScenario(scenario: unknown): void;
  configureWebhook(input: WebhookConfig): Promise<Record<string, unknown>>;
  startTimeline(): void;
}

export const WebhookConfigSchema = z.object({
  /** null switches delivery off (webhooks are still recorded). */
  url: z.url().nullable(),
  appSecret: z.string().min(1).optional(),
  /** When given, the simulator performs Meta's GET verification handshake first and reports it. */
  verifyToken: z.string().min(1).optional(),
  /** Several statuses of one number per POST (Meta under load); `maxStatuses: 1` switches it off. */
  statusBatch: StatusBatchingSchema.optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

class BadRequest extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('invalid request body');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequest(result.error.issues);
  return result.data;
}

/** The fault-control API under `/_control` (separate from Meta's paths); documented in README.md. */
export function createControlRouter(deps: ControlDeps): Router {
  const { rt } = deps;
  const router = express.Router();
  router.use(express.json({ limit: '5mb' }));

  const run = (fn: (req: Request) => unknown | Promise<unknown>) => async (req: Request, res: Response) => {
    res.json(await fn(req));
  };
  /** An endpoint that is one control action: body + path params + the action's type. */
  const action = (type: string, params: Record<string, string> = {}) =>
    run((req) => {
      const fromPath = Object.fromEntries(Object.entries(params).map(([key, name]) => [key, param(req, name)]));
      return applyAction(rt, parse(ControlActionSchema, { ...(req.body ?? {}), ...fromPath, type }));
    });

  router.get(
    '/state',
    run(() => stateView(rt)),
  );
  router.post(
    '/reset',
    run(() => (deps.reset(), { ok: true })),
  );
  router.post(
    '/scenario',
    run((req) => {
      const { scenario } = parse(
        z.object({ scenario: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) }),
        req.body,
      );
      deps.loadScenario(scenario);
      return { ok: true, scenario: rt.store.scenario.name };
    }),
  );
  router.post(
    '/webhook',
    run((req) => deps.configureWebhook(parse(WebhookConfigSchema, req.body))),
  );
  router.post(
    '/actions',
    run((req) => applyAction(rt, parse(ControlActionSchema, req.body))),
  );

  router.post('/wabas/:wabaId/ban', action('banWaba', { wabaId: 'wabaId' }));
  router.post('/wabas/:wabaId/restrict', action('restrictWaba', { wabaId: 'wabaId' }));
  router.post('/wabas/:wabaId/reinstate', action('reinstateWaba', { wabaId: 'wabaId' }));
  router.post('/wabas/:wabaId/token', action('expireToken', { wabaId: 'wabaId' }));
  router.post('/phone-numbers/:id/quality', action('setPhoneQuality', { phoneNumberId: 'id' }));
  router.post('/phone-numbers/:id/status', action('setPhoneStatus', { phoneNumberId: 'id' }));
  router.post('/templates/:id/pause', action('pauseTemplate', { templateId: 'id' }));
  router.post('/templates/:id/disable', action('disableTemplate', { templateId: 'id' }));
  router.post('/templates/:id/reinstate', action('reinstateTemplate', { templateId: 'id' }));
  router.post('/templates/:id/quality', action('setTemplateQuality', { templateId: 'id' }));
  router.post('/templates/:id/category', action('setTemplateCategory', { templateId: 'id' }));
  router.post('/portfolios/:id/tier', action('setPortfolioTier', { portfolioId: 'id' }));
  router.post('/faults/errors', action('injectErrors'));
  router.post('/faults/unknown-outcome', action('injectUnknownOutcome'));
  router.delete('/faults', action('clearFaults'));
  router.post('/faults/latency', action('setLatency'));
  router.post('/faults/down', action('setDown'));
  router.post('/delivery', action('setDelivery'));
  router.post('/limits', action('setLimits'));
  router.post('/template-review', action('setTemplateReview'));
  router.post('/customers/:waId', action('setCustomer', { waId: 'waId' }));
  router.post(
    '/customers/:waId/reply',
    run((req) =>
      applyAction(
        rt,
        parse(ControlActionSchema, { type: 'customerReply', waId: param(req, 'waId'), reply: req.body ?? {} }),
      ),
    ),
  );

  router.get(
    '/customers/:waId',
    run((req) => customerView(rt, param(req, 'waId'))),
  );
  router.get(
    '/customers/:waId/inbox',
    run((req) => rt.store.inboxes.get(param(req, 'waId')) ?? []),
  );
  router.get(
    '/sends',
    run((req) => sendsView(rt, req.query)),
  );
  router.get(
    '/webhooks',
    run((req) => webhooksView(rt, req.query)),
  );
  router.get(
    '/stats',
    run(() => ({ ...rt.store.stats, pendingTimers: rt.scheduler.pending() })),
  );
  router.get(
    '/clock',
    run(() => ({ now: rt.clock.now() })),
  );
  router.post(
    '/clock',
    run((req) => {
      const { advanceMs } = parse(z.object({ advanceMs: z.number().int().min(0) }), req.body);
      rt.clock.advance(advanceMs);
      return { now: rt.clock.now() };
    }),
  );
  router.post(
    '/timeline/start',
    run(() => (deps.startTimeline(), { ok: true, entries: rt.store.scenario.timeline.length })),
  );
  router.get(
    '/timeline',
    run(() => rt.timelineLog),
  );

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { message: 'unknown control endpoint' } });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BadRequest) {
      const issues = err.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      const first = issues[0];
      res.status(400).json({
        error: { message: `invalid ${first?.field || 'body'}: ${first?.message ?? ''}`, field: first?.field, issues },
      });
    } else if (err instanceof ControlError) {
      res.status(err.status).json({ error: { message: err.message } });
    } else if (err instanceof ScenarioError) {
      res.status(400).json({ error: { message: err.message } });
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { message: 'the body is not valid JSON' } });
    } else {
      rt.logger.error({ err }, 'control request failed');
      res.status(500).json({ error: { message: (err as Error).message } });
    }
  });
  return router;
}
