import pino, { type Logger } from 'pino';

export type { Logger };

/** Fields that carry a secret wherever they appear: top level, one level down, and in request headers. */
const SECRET_FIELDS = [
  'accessToken',
  'apiKey',
  'secret',
  'metaAppSecret',
  'appSecret',
  'token',
  'password',
  'authorization',
  'cookie',
  'set-cookie',
  'x-hub-signature-256',
  'x-lifeline-signature-256',
];

export const REDACTED_PATHS = [
  ...SECRET_FIELDS.map((f) => `["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*["${f}"]`),
  ...SECRET_FIELDS.map((f) => `headers["${f}"]`),
  ...SECRET_FIELDS.map((f) => `req.headers["${f}"]`),
  ...SECRET_FIELDS.map((f) => `settings["${f}"]`),
];

/** One logger per process, built by main(); secrets are redacted wherever they might appear. */
export function createLogger(level: string, name = 'lifeline', destination?: pino.DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
