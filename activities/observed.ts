import { ApplicationFailure } from '@temporalio/activity';
import { failoverReason, NO_OBSERVER, type DeliveryObserver, type FailureClass } from '../src/delivery';
import type { HostedActivities as Activities } from '.';

/** The failure class a refused send carries (activities/send.ts puts it in the failure's details). */
function refusalOf(err: unknown): FailureClass | undefined {
  return err instanceof ApplicationFailure ? (err.details?.[0] as FailureClass | undefined) : undefined;
}

/**
 * The message workflow's activities, reporting to the delivery observer (docs/console.md, "Metrics"): each send's
 * outcome and failover, the resolver's latency, and the Smart Utility Fallback funnel. Observed here, at the
 * activity boundary, so workflow code (and its replay) stays untouched; the campaign batch reports its own sends.
 */
export function observeActivities(acts: Activities, observer: DeliveryObserver = NO_OBSERVER): Activities {
  async function observeSend<T extends { wamid?: string; unknown?: unknown }>(
    labels: Omit<Parameters<DeliveryObserver['send']>[0], 'outcome'>,
    run: () => Promise<T>,
    late?: (result: T) => Partial<typeof labels>,
  ): Promise<T> {
    try {
      const result = await run();
      observer.send({ ...labels, ...late?.(result), outcome: result.unknown ? 'unknown' : 'accepted' });
      if (labels.kind === 'consent' && !result.unknown) observer.fallback('prompted');
      return result;
    } catch (err) {
      const failure = refusalOf(err);
      observer.send({ ...labels, outcome: failure?.kind ?? 'error' });
      const reason = failure && failoverReason(failure);
      if (reason) observer.failover(reason);
      throw err;
    }
  }
  return {
    ...acts,
    sendTemplate: (input) =>
      observeSend(
        {
          kind: input.kind ?? 'template',
          wabaId: input.combination.wabaId,
          phoneNumberId: input.combination.phoneNumberId,
          templateName: input.combination.templateName,
        },
        () => acts.sendTemplate(input),
      ),
    sendSession: (input) =>
      observeSend(
        { kind: 'session', phoneNumberId: input.phoneNumberId },
        () => acts.sendSession(input),
        (r) => ({ wabaId: r.wabaId }),
      ),
    async resolveCombination(input) {
      const started = performance.now();
      const out = await acts.resolveCombination(input);
      observer.resolved(out.outcome, (performance.now() - started) / 1000);
      return out;
    },
    async admit(input) {
      const started = performance.now();
      const out = await acts.admit(input);
      if ('resolved' in out) observer.resolved(out.resolved.outcome, (performance.now() - started) / 1000);
      return out;
    },
    async recordConsent(input) {
      await acts.recordConsent(input);
      const o = input.outcome;
      if (o === 'granted' || o === 'declined' || o === 'expired') observer.fallback(o);
    },
    async recordProgress(input) {
      await acts.recordProgress(input);
      const final = input.event?.type === 'delivered' || input.event?.type === 'read';
      if (final && input.deliveredVia?.kind === 'session') observer.fallback('recovered');
    },
  };
}
