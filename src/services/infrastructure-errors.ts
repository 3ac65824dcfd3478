import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';

/** gRPC codes that mean "Temporal is unreachable or overloaded right now", not "this request is wrong". */
const TRANSIENT_GRPC = new Set([1, 4, 8, 10, 13, 14]); // CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE

/** PostgreSQL SQLSTATE classes/codes of an unavailable or contended database (not of bad data). */
const TRANSIENT_PG = /^(08|53|57P0|58|40001|40P01|55P03)/;

const TRANSIENT_SYSCALL = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * True when an error says the database or Temporal is unavailable: such work is retried for as long as it takes
 * (an outage never drops an event). Anything else is the event's own problem and is retried a bounded number of
 * times, then dead-lettered.
 */
export function isInfrastructureError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WorkflowNotFoundError) return false;
    const code = (e as { code?: unknown }).code;
    if (e instanceof ServiceError) {
      const grpc = (e.cause as { code?: unknown } | undefined)?.code;
      return typeof grpc !== 'number' || TRANSIENT_GRPC.has(grpc);
    }
    if (typeof code === 'number' && TRANSIENT_GRPC.has(code) && 'details' in (e as object)) return true;
    if (typeof code === 'string' && (TRANSIENT_SYSCALL.has(code) || TRANSIENT_PG.test(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
        message,
      )
    ) {
      return true;
    }
  }
  return false;
}
