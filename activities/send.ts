import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  sendSession,
  sendTemplate,
  type AttemptRequest,
  type Combination,
  type SendDeps,
  type SendOutcome,
} from '../src/delivery';
import { FAILURE_KINDS } from '../src/domain/failure';
import { sentEventData } from '../src/domain/timeline';
import type { SendParameters } from '../src/domain/send-parameters';
import type { MessagesRepo } from '../src/db/repositories/messages';

/** The send step's ports, minus the logger: an activity logs through its own context. */
export type SendActivityDeps = Omit<SendDeps, 'log'> & {
  /** The message's read model, where an accepted send records `sent` (revision 3 of the path). */
  progress: Pick<MessagesRepo, 'setStatus'>;
};

/** A refused send, thrown to the workflow with its classification as details (classified once, never re-wrapped). */
function refusal(outcome: Extract<SendOutcome, { outcome: 'refused' }>): ApplicationFailure {
  const { failure } = outcome;
  return ApplicationFailure.create({
    type: FAILURE_KINDS[failure.kind].type,
    message: outcome.message,
    nonRetryable: !outcome.retryable,
    details: [failure],
    nextRetryDelay: failure.retryAfterMs || undefined,
  });
}

/**
 * What a send activity returns: Meta's wamid, or an unknown outcome (docs/delivery-guarantees.md). An unknown
 * outcome is a result, not a failure: a retried activity would send again, which is exactly what must not happen
 * before the workflow knows whether Meta had the message.
 */
export type SendResult =
  { wamid: string; unknown?: undefined } | { wamid?: undefined; unknown: { requests: number; reason: string } };

function accepted<T extends SendOutcome>(outcome: T): SendResult {
  if (outcome.outcome === 'refused') throw refusal(outcome);
  if (outcome.outcome === 'unknown') return { unknown: { requests: outcome.requests, reason: outcome.message } };
  return { wamid: outcome.wamid };
}

/** The message workflow's driver side of the send step (src/delivery/send.ts): outcomes become activity results. */
export function createSendActivities(ports: SendActivityDeps) {
  const deps: SendDeps = {
    ...ports,
    log: { warn: (message, meta) => Context.current().log.warn(message, meta) },
  };
  return {
    /**
     * Sends one template attempt (the message itself, or a Smart Utility Fallback consent prompt). With `recordSent`
     * (revision 3 of the path) an accepted send also writes the message's `sent` status and timeline event, which
     * saves the workflow a local activity; a failed write only says so (`sentRecorded` unset) and the workflow
     * writes it itself — the send, which Meta accepted, is never failed or retried for it.
     */
    async sendTemplate(
      input: AttemptRequest & {
        combination: Combination;
        parameters?: SendParameters;
        kind?: 'template' | 'consent';
        recordSent?: { key: string };
      },
    ): Promise<SendResult & { sentRecorded?: true }> {
      const result = accepted(await sendTemplate(deps, input));
      if (!input.recordSent || !result.wamid) return result;
      try {
        await ports.progress.setStatus(
          input.tenantId,
          input.messageId,
          'sent',
          {},
          {
            type: 'sent',
            data: sentEventData(input.attemptId, result.wamid, input.combination),
            dedupeKey: input.recordSent.key,
          },
        );
        return { ...result, sentRecorded: true };
      } catch (err) {
        deps.log.warn('the sent record failed; the workflow writes it', {
          attemptId: input.attemptId,
          err: String(err),
        });
        return result;
      }
    },

    /** Sends one free-form session message (inside the service window the customer's reply opened). */
    async sendSession(
      input: AttemptRequest & { phoneNumberId: string; payload: Record<string, unknown> },
    ): Promise<SendResult & { wabaId: string }> {
      const outcome = await sendSession(deps, input);
      return { ...accepted(outcome), wabaId: outcome.wabaId! };
    },
  };
}
