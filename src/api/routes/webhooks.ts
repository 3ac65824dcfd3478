import crypto from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import { parseWebhookJson } from '../../meta/webhook-json';
import { verifyWebhookSignature } from '../../meta/webhook-signature';
import { webhookEnvelopeSchema } from '../../meta/webhook-schemas';
import type { WebhookProcessor } from '../../services/webhooks/processor';
import type { Metrics } from '../metrics';
import { HttpError, zodDetails } from '../errors';
import { parse } from '../validate';

export interface WebhookRouteDeps {
  inbox: WebhookInboxRepo;
  processor: WebhookProcessor;
  verifyToken: string;
  /** The global Meta app secret (configuration). */
  appSecret: string;
  /** Tenants' own app secrets; read only when the global secret does not match. */
  tenantAppSecrets: () => Promise<string[]>;
  maxBodyBytes: number;
  metrics: Metrics;
}

const handshakeQuery = z.object({
  'hub.mode': z.string().min(1),
  'hub.verify_token': z.string().min(1),
  'hub.challenge': z.string().min(1).max(200),
});

/** Body-reading failures, counted before the error middleware answers them (413 oversized, 400 truncated). */
const READ_FAILURES: Record<string, [reason: string, status: number, code: string, message: string]> = {
  'entity.too.large': ['oversized', 413, 'payload_too_large', 'webhook body is too large'],
  'request.size.invalid': ['truncated', 400, 'truncated_body', 'webhook body shorter than its Content-Length'],
  'request.aborted': ['truncated', 400, 'truncated_body', 'webhook body aborted'],
};

/** The raw bytes, capped at maxBodyBytes; a refused body is counted like every other refusal. */
function rawBody(deps: WebhookRouteDeps): RequestHandler {
  const read = express.raw({ type: () => true, limit: deps.maxBodyBytes });
  return (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if (!err) return next();
      const known = READ_FAILURES[(err as { type?: string }).type ?? ''];
      deps.metrics.webhooksRejected.inc({ reason: known?.[0] ?? 'malformed' });
      next(known ? new HttpError(known[1], known[2], known[3]) : err);
    });
  };
}

/** Meta's webhooks: verify the signature over the raw bytes → store in the inbox → 200; processing is async. */
export function webhookRouter(deps: WebhookRouteDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const q = parse(req, 'query', handshakeQuery);
    const a = crypto.createHash('sha256').update(q['hub.verify_token']).digest();
    const b = crypto.createHash('sha256').update(deps.verifyToken).digest();
    // Meta: 200 with the challenge only for mode `subscribe` and our token; otherwise 403.
    if (!crypto.timingSafeEqual(a, b) || q['hub.mode'] !== 'subscribe') {
      throw new HttpError(403, 'forbidden', 'verify token or mode does not match');
    }
    res.type('text/plain').send(q['hub.challenge']);
  });

  router.post('/', rawBody(deps), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.header('x-hub-signature-256');
    // Most bodies are signed by the global app: only a mismatch costs a look at the tenants' own secrets.
    const verified =
      verifyWebhookSignature(raw, signature, [deps.appSecret]) ||
      (signature !== undefined && verifyWebhookSignature(raw, signature, await deps.tenantAppSecrets()));
    if (!verified) {
      deps.metrics.webhooksRejected.inc({ reason: signature ? 'bad_signature' : 'unsigned' });
      throw new HttpError(
        401,
        'invalid_signature',
        signature ? 'X-Hub-Signature-256 does not match' : 'X-Hub-Signature-256 missing',
      );
    }
    let json: unknown;
    try {
      json = parseWebhookJson(raw);
    } catch {
      deps.metrics.webhooksRejected.inc({ reason: 'malformed' });
      throw new HttpError(400, 'invalid_json', 'webhook body is not valid JSON');
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      deps.metrics.webhooksRejected.inc({ reason: 'malformed' });
      throw new HttpError(
        400,
        'validation_failed',
        'not a WhatsApp webhook envelope',
        zodDetails(envelope.error, 'body'),
      );
    }
    const dedupeKey = crypto.createHash('sha256').update(raw).digest('hex');
    const stored = await deps.inbox.store(dedupeKey, json);
    deps.metrics.webhooksAccepted.inc({ duplicate: stored ? 'no' : 'yes' });
    res.status(200).json({ ok: true });
    if (stored) deps.processor.kick();
  });

  return router;
}
