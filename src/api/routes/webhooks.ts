import crypto from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { DEFAULT_WEBHOOK_MAX_IN_FLIGHT } from '../../config';
import { toStorableJson, type WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import { safeText } from '../../domain/safe-input';
import { parseWebhookJson } from '../../meta/webhook-json';
import { signatureDigest, verifyWebhookSignature } from '../../meta/webhook-signature';
import { webhookEnvelopeSchema } from '../../meta/webhook-schemas';
import { createMicroBatcher } from '../../services/micro-batcher';
import type { TenantSecretCache } from '../../services/webhooks/tenant-secrets';
import type { Metrics } from '../metrics';
import { HttpError, zodDetails } from '../errors';
import { parse } from '../validate';

export interface WebhookRouteDeps {
  inbox: WebhookInboxRepo;
  /** Nudged after new bodies are stored (the in-process processor; a no-op when processing runs elsewhere). */
  processor: { kick(): void };
  verifyToken: string;
  /** The platform's Meta app secret (configuration): the only secret /webhooks/whatsapp is checked against. */
  appSecret: string;
  /** Tenants' own app secrets, each checked only on that tenant's path /webhooks/whatsapp/t/:tenantId. */
  tenantSecrets: TenantSecretCache;
  maxBodyBytes: number;
  /**
   * Requests being read, verified or stored at once (default `DEFAULT_WEBHOOK_MAX_IN_FLIGHT`). Beyond it a new request is answered 503 with
   * Retry-After before its body is read: Meta retries a 503, and a fast refusal keeps the accepted ones fast.
   */
  maxInFlight?: number;
  metrics: Metrics;
  /** Bodies per INSERT and INSERTs in flight when requests arrive together. */
  batch?: { maxBatch?: number; concurrency?: number };
}

const handshakeQuery = z.object({
  'hub.mode': safeText(100),
  'hub.verify_token': safeText(1000),
  'hub.challenge': safeText(200),
});
const tenantParams = z.object({ tenantId: z.uuid() });

/** Body-reading failures, counted before the error middleware answers them (413 oversized, 400 truncated). */
const READ_FAILURES: Record<string, [reason: string, status: number, code: string, message: string]> = {
  'entity.too.large': ['oversized', 413, 'payload_too_large', 'webhook body is too large'],
  'request.size.invalid': ['truncated', 400, 'truncated_body', 'webhook body shorter than its Content-Length'],
  'request.aborted': ['truncated', 400, 'truncated_body', 'webhook body aborted'],
};

/** Which secret a path is checked against: the platform's, or one tenant's (undefined: that tenant has none). */
type SecretOf = (req: Request) => Promise<{ secret: string | undefined; tenantId: string | null }>;

/**
 * Meta's webhooks: header format → one HMAC over the raw bytes with the path's one secret → parse → store
 * (grouped with concurrent requests into one INSERT) → 200 once committed; processing is asynchronous.
 */
export function webhookRouter(deps: WebhookRouteDeps): Router {
  const router = Router();
  const store = createMicroBatcher(
    (items: Parameters<WebhookInboxRepo['storeMany']>[0][number][]) => deps.inbox.storeMany(items),
    {
      maxBatch: deps.batch?.maxBatch ?? 500,
      concurrency: deps.batch?.concurrency ?? 4,
    },
  );
  const reject = (reason: string, status: number, code: string, message: string, details?: unknown) => {
    deps.metrics.webhooksRejected.inc({ reason });
    return new HttpError(status, code, message, details as never);
  };

  // Admission control: a flood (or a stalled database) queues at most `maxInFlight` requests in this process; the
  // rest are refused at once with nothing read, so nothing is half-stored and Meta's retry brings them back.
  const maxInFlight = deps.maxInFlight ?? DEFAULT_WEBHOOK_MAX_IN_FLIGHT;
  let inFlight = 0;
  const admit: RequestHandler = (_req, res, next) => {
    if (inFlight >= maxInFlight) {
      deps.metrics.webhooksRejected.inc({ reason: 'overloaded' });
      return next(
        new HttpError(503, 'overloaded', 'webhook intake is at capacity; retry shortly', [], { 'Retry-After': '1' }),
      );
    }
    inFlight += 1;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      inFlight -= 1;
    };
    res.once('finish', leave);
    res.once('close', leave);
    next();
  };

  /** Refuses a missing or ill-formed X-Hub-Signature-256 before the body is read or any HMAC computed. */
  const signatureFormat: RequestHandler = (req, _res, next) => {
    const header = req.header('x-hub-signature-256');
    if (signatureDigest(header)) return next();
    next(
      header === undefined
        ? reject('unsigned', 401, 'invalid_signature', 'X-Hub-Signature-256 missing')
        : reject('bad_signature', 401, 'invalid_signature', 'X-Hub-Signature-256 is not sha256=<64 hex digits>'),
    );
  };

  /** The raw bytes, capped at maxBodyBytes; a refused body is counted like every other refusal. */
  const read = express.raw({ type: () => true, limit: deps.maxBodyBytes });
  const rawBody: RequestHandler = (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if (!err) return next();
      const known = READ_FAILURES[(err as { type?: string }).type ?? ''];
      next(known ? reject(...known) : reject('malformed', 400, 'invalid_body', 'webhook body could not be read'));
    });
  };

  const handshake: RequestHandler = (req, res) => {
    const q = parse(req, 'query', handshakeQuery);
    const a = crypto.createHash('sha256').update(q['hub.verify_token']).digest();
    const b = crypto.createHash('sha256').update(deps.verifyToken).digest();
    // Meta: 200 with the challenge only for mode `subscribe` and our token; otherwise 403.
    if (!crypto.timingSafeEqual(a, b) || q['hub.mode'] !== 'subscribe') {
      throw new HttpError(403, 'forbidden', 'verify token or mode does not match');
    }
    res.type('text/plain').send(q['hub.challenge']);
  };

  const accept =
    (secretOf: SecretOf): RequestHandler =>
    async (req, res) => {
      const { secret, tenantId } = await secretOf(req);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const digest = signatureDigest(req.header('x-hub-signature-256'))!;
      if (secret !== undefined) deps.metrics.webhookSignatureChecks.inc();
      if (secret === undefined || !verifyWebhookSignature(raw, digest, secret)) {
        throw reject('bad_signature', 401, 'invalid_signature', 'X-Hub-Signature-256 does not match');
      }
      let json: unknown;
      try {
        json = parseWebhookJson(raw);
      } catch {
        throw reject('malformed', 400, 'invalid_json', 'webhook body is not valid JSON');
      }
      const envelope = webhookEnvelopeSchema.safeParse(json);
      if (!envelope.success) {
        throw reject(
          'malformed',
          400,
          'validation_failed',
          'not a WhatsApp webhook envelope',
          zodDetails(envelope.error, 'body'),
        );
      }
      // The verifier is part of the key: a tenant replaying bytes the platform also sends cannot shadow them.
      const hash = crypto.createHash('sha256');
      if (tenantId) hash.update(`tenant:${tenantId}\n`);
      const dedupeKey = hash.update(raw).digest('hex');
      const stored = await store.submit({ dedupeKey, json: toStorableJson(json), verifiedTenantId: tenantId });
      deps.metrics.webhooksAccepted.inc({ duplicate: stored ? 'no' : 'yes' });
      res.status(200).json({ ok: true });
      if (stored) deps.processor.kick();
    };

  router.get('/', handshake);
  router.post(
    '/',
    admit,
    signatureFormat,
    rawBody,
    accept(async () => ({ secret: deps.appSecret, tenantId: null })),
  );
  router.get('/t/:tenantId', handshake);
  router.post(
    '/t/:tenantId',
    (req, _res, next) => {
      parse(req, 'params', tenantParams);
      next();
    },
    admit,
    signatureFormat,
    rawBody,
    accept(async (req) => {
      const { tenantId } = parse(req, 'params', tenantParams);
      return { secret: await deps.tenantSecrets.get(tenantId), tenantId };
    }),
  );
  return router;
}
