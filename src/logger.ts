import pino, { type Logger } from 'pino';

export type { Logger };

/** One logger per process, built by main(); secrets are redacted wherever they might appear. */
export function createLogger(level: string, name = 'lifeline'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['accessToken', '*.accessToken', 'authorization', '*.authorization', 'headers.authorization', 'apiKey'],
      censor: '[redacted]',
    },
  });
}
