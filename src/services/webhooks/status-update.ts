import { classifyStatusFailure } from '../../meta/failure-class';
import type { StatusPayload } from '../../meta/webhook-schemas';
import type { StatusUpdate } from '../../../workflows/definitions';

export const FOLDED_STATUSES: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);

/** A validated status payload → the workflow's `status` signal argument (pure). */
export function toStatusUpdate(s: StatusPayload, attemptId: string): StatusUpdate {
  const errors = (s.errors ?? []).map((e) => ({
    code: e.code,
    title: e.title,
    message: e.message,
    details: e.error_data?.details,
  }));
  const first = s.errors?.[0];
  return {
    wamid: s.id,
    attemptId,
    status: s.status as StatusUpdate['status'],
    timestamp: new Date(Number(s.timestamp) * 1000).toISOString(),
    ...(errors.length ? { errors } : {}),
    ...(s.pricing ? { pricing: s.pricing } : {}),
    ...(s.status === 'failed' ? { failure: classifyStatusFailure(first) } : {}),
  };
}
