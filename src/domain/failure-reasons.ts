import { RECIPIENT_REASONS } from './failure';

/** Why Smart Utility Fallback may not run for a message (decided before any consent prompt is sent). */
export const FALLBACK_REFUSALS = [
  'template_unknown',
  'not_a_marketing_template',
  'declined_this_campaign',
  'consent_prompt_cap',
  'unsupported_template_for_fallback',
  'invalid_template',
  'invalid_parameters',
] as const;
export type FallbackRefusal = (typeof FALLBACK_REFUSALS)[number];

/**
 * Why a message ended `failed`: `failure.reason` of `GET /v1/messages/:id`, part of the public contract
 * (docs/errors.md). Defined once; the workflow can end a message with no other reason.
 */
export const FAILURE_REASONS = [
  // Consent.
  'opted_out',
  'no_opt_in',
  // Resolution and the attempt budget.
  'no_healthy_combination',
  'attempts_exhausted',
  // Meta refused it for this recipient (Meta's own reason), or for our request.
  ...RECIPIENT_REASONS,
  'recipient_rejected',
  'marketing_limit',
  'request_rejected',
  // Smart Utility Fallback.
  'no_consent_template_configured',
  ...FALLBACK_REFUSALS,
  'no_utility_consent_template',
  'consent_prompt_failed',
  'session_send_failed',
  'session_failed',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
