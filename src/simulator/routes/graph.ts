import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { GraphError } from '../errors/graph-error';
import { type Runtime } from '../runtime';
import { asGraphError, errorReply, type GraphReply } from '../send/reply';
import { handleSend } from '../send/pipeline';
import { createTemplate, deleteTemplates, editTemplate } from '../templates/management';
import { listPhoneNumbers, listTemplates, readNode, subscribedApps } from './graph-nodes';

const VERSION = /^v\d{1,3}\.\d$/;

/** A route parameter as a string (Express 5 types wildcard params as arrays). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Meta's paths under any `vNN.N` prefix. Each request first honours the scripted faults: latency, then
 * "API down" (5xx with Meta's envelope); an accepted send may then meet an unknown-outcome fault (its reply held
 * back or its connection reset).
 */
export function createGraphRouter(rt: Runtime): Router {
  const router = express.Router();
  router.use(express.json({ limit: '3mb', type: () => true }));

  const handle =
    (fn: (req: Request) => GraphReply) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const version = param(req, 'version');
      if (!VERSION.test(version)) return next();
      const latency = rt.store.faults.latencyFor(param(req, 'phoneNumberId') || undefined);
      if (latency > 0) await rt.scheduler.sleep(latency);
      let reply: GraphReply;
      const down = rt.store.faults.down;
      if (down) {
        rt.store.stats.requests += 1;
        reply = errorReply(
          rt,
          new GraphError(down.code, 'The service is temporarily unavailable.', { httpStatus: down.httpStatus }),
        );
      } else {
        try {
          reply = fn(req);
        } catch (err) {
          reply = errorReply(rt, asGraphError(err));
        }
      }
      if (reply.afterAccept?.mode === 'reset') {
        rt.store.stats.unknownOutcomes += 1;
        req.socket.destroy();
        return;
      }
      if (reply.afterAccept) {
        rt.store.stats.unknownOutcomes += 1;
        await rt.scheduler.sleep(reply.afterAccept.responseDelayMs);
        if (res.destroyed || res.writableEnded) return; // the client gave up and closed the connection
      }
      res
        .status(reply.status)
        .set({ 'facebook-api-version': version, ...reply.headers })
        .json(reply.body);
    };

  const auth = (req: Request): string | undefined => req.get('authorization');
  const self = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
  router.post(
    '/:version/:phoneNumberId/messages',
    handle((req) => handleSend(rt, param(req, 'phoneNumberId'), auth(req), req.body)),
  );
  router.get(
    '/:version/:wabaId/phone_numbers',
    handle((req) => listPhoneNumbers(rt, param(req, 'wabaId'), auth(req), req.query, self(req))),
  );
  router.get(
    '/:version/:wabaId/message_templates',
    handle((req) => listTemplates(rt, param(req, 'wabaId'), auth(req), req.query, self(req))),
  );
  router.post(
    '/:version/:wabaId/message_templates',
    handle((req) => createTemplate(rt, param(req, 'wabaId'), auth(req), req.body)),
  );
  router.delete(
    '/:version/:wabaId/message_templates',
    handle((req) => deleteTemplates(rt, param(req, 'wabaId'), auth(req), req.query)),
  );
  router.get(
    '/:version/:wabaId/subscribed_apps',
    handle((req) => subscribedApps(rt, param(req, 'wabaId'), auth(req), 'get')),
  );
  router.post(
    '/:version/:wabaId/subscribed_apps',
    handle((req) => subscribedApps(rt, param(req, 'wabaId'), auth(req), 'post')),
  );
  router.get(
    '/:version/:nodeId',
    handle((req) => readNode(rt, param(req, 'nodeId'), auth(req), req.query)),
  );
  router.post(
    '/:version/:nodeId',
    handle((req) => editTemplate(rt, param(req, 'nodeId'), auth(req), req.body)),
  );

  // Anything else under Meta's paths: Graph's unknown-path error.
  router.use((req: Request, res: Response) => {
    const err = new GraphError(2500, undefined, { message: `Unknown path components: ${req.path}` });
    res.status(400).json(err.toEnvelope(rt.ids.fbtraceId()));
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const parseFailed = (err as { type?: string }).type === 'entity.parse.failed';
    const graphErr = parseFailed ? new GraphError(100, 'The request body is not valid JSON.') : asGraphError(err);
    const reply = errorReply(rt, graphErr);
    res.status(reply.status).json(reply.body);
  });
  return router;
}
