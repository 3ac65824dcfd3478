import type { FailureClass } from '../domain/failure';
import type { CapacityRequest, Refusal } from './capacity-port';
import type { RegistryView } from './health-gate';
import type { AttemptRequest, AttemptTarget } from './send';

/** The send step's use of the capacity limiter (docs/capacity.md): what to reserve, and a refusal as a failure. */

/** What one attempt reserves: its number's throughput and pair slot, and — unless a session message — the
 *  recipient's place in the number's portfolio window. The health gate has already found the number registered. */
export function capacityRequest(view: RegistryView, request: AttemptRequest, target: AttemptTarget): CapacityRequest {
  const phone = view.index.phones.get(target.phoneNumberId)!;
  return {
    tenantId: request.tenantId,
    phoneNumberId: target.phoneNumberId,
    waId: request.recipient,
    throughputPerSecond: phone.throughputLimit,
    portfolio: target.kind === 'session' ? undefined : { id: phone.waba.waba.portfolioId, limit: phone.waba.limit },
  };
}

/** A refused reservation reads like a rate limit Meta did not have to answer: wait `retryAfterMs`, resolve again. */
export function capacityFailure(r: Refusal): FailureClass {
  return {
    kind: 'throttled',
    scope: r.refused === 'pair_rate' ? 'pair' : 'capacity',
    retryAfterMs: r.retryAfterMs,
    reason: `${r.refused}_reserved`,
  };
}
