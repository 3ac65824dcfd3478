import type { AttemptKind } from './types';

const SUFFIX: Record<AttemptKind, string> = { template: '', consent: 'c', session: 's' };

/**
 * An attempt's id: the message id and the attempt's ordinal within its kind (`msg:3`, `msg:c1`, `msg:s2`). It is
 * the attempt row's key and travels to Meta as `biz_opaque_callback_data`, so a status webhook for a send whose
 * response was lost still finds its attempt; it must therefore be the same on every retry of one attempt.
 */
export function attemptId(messageId: string, kind: AttemptKind, n: number): string {
  return `${messageId}:${SUFFIX[kind]}${n}`;
}

/**
 * Resolutions for Smart Utility Fallback's consent prompt are numbered apart from the message's own (1, 2, …), so
 * their timeline events (`resolve-<step>`) never collide with them.
 */
const CONSENT_RESOLUTION_STEPS = 1000;

/** The resolution step of a consent prompt resolved after `attemptsSoFar` attempts of the message. */
export function consentResolutionStep(attemptsSoFar: number): number {
  return CONSENT_RESOLUTION_STEPS + attemptsSoFar;
}
