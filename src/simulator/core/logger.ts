/** The logging surface the simulator needs; a pino logger satisfies it. */
export interface SimLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

export const silentLogger: SimLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function isLogger(value: unknown): value is SimLogger {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((k) => typeof v[k] === 'function');
}
