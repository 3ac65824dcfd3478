import { GraphError } from '../errors/graph-error';
import { type Runtime } from '../runtime';
import { type AfterAccept } from '../faults/unknown-outcome';
import { bump } from '../state/records';

/** A Graph answer: status, JSON body, extra headers. */
export interface GraphReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** An unknown-outcome fault: the message is accepted, but this reply is held back or never given. */
  afterAccept?: AfterAccept;
}

/** Meta's error envelope for a GraphError; throttles carry X-Business-Use-Case-Usage like Meta's. */
export function errorReply(rt: Runtime, err: GraphError, wabaId?: string): GraphReply {
  bump(rt.store.stats.rejected, err.code);
  const headers: Record<string, string> = {};
  if ([4, 80007, 130429, 131048, 131056].includes(err.code)) {
    const usage = [
      {
        type: 'whatsapp_business_messaging',
        call_count: 100,
        total_cputime: 0,
        total_time: 0,
        estimated_time_to_regain_access: 1,
      },
    ];
    headers['x-business-use-case-usage'] = JSON.stringify({ [wabaId ?? '0']: usage });
  }
  return { status: err.httpStatus, body: err.toEnvelope(rt.ids.fbtraceId()), headers };
}

export function asGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  return new GraphError(131000, (err as Error).message);
}
