/**
 * Meta's error codes and what each one means for a send (docs/meta-cloud-api.md#errors, docs/errors.md): the table
 * `classifyMetaError` (error-classification.ts) reads. Kept apart because it is data, and grows with Meta's list.
 */
import type { BlamedResource, RecipientReason, ThrottleScope } from '../domain/failure';

export type Rule =
  | { kind: 'transient'; reason: string }
  | { kind: 'throttled'; scope: ThrottleScope; reason: string }
  | { kind: 'resource'; resource: BlamedResource; reason: string; temporary: boolean }
  | { kind: 'recipient'; reason: RecipientReason }
  | { kind: 'marketing_limit'; reason: string }
  | { kind: 'request'; reason: string }
  | { kind: 'auth'; reason: string };

const transient = (reason: string): Rule => ({ kind: 'transient', reason });
const throttled = (scope: ThrottleScope, reason: string): Rule => ({ kind: 'throttled', scope, reason });
const resource = (res: BlamedResource, reason: string, temporary = false): Rule => ({
  kind: 'resource',
  resource: res,
  reason,
  temporary,
});
const recipient = (reason: RecipientReason): Rule => ({ kind: 'recipient', reason });
const request = (reason: string): Rule => ({ kind: 'request', reason });
const auth = (reason: string): Rule => ({ kind: 'auth', reason });

const CODE_RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  // Transient: Meta's side; the same request may succeed later.
  [1, transient('api_unknown')],
  [2, transient('api_service_unavailable')],
  [131000, transient('something_went_wrong')],
  [131016, transient('service_unavailable')],
  [133004, transient('registration_service_unavailable')],
  [131052, transient('inbound_media_download_failed')], // inbound only: the user should resend; nothing of ours is unhealthy
  // Throttled.
  [4, throttled('app', 'app_rate_limited')],
  [80007, throttled('waba', 'waba_rate_limited')],
  [130429, throttled('phone', 'phone_throughput_reached')],
  [131056, throttled('pair', 'pair_rate_limited')],
  // Auth: the WABA's token or app lacks validity/permission.
  [0, auth('token_invalid')],
  [3, auth('app_capability_missing')],
  [10, auth('permission_denied')],
  [190, auth('token_invalid')],
  [131005, auth('access_denied')],
  // Resource: sender phone number.
  [33, resource('phone', 'phone_number_deleted')],
  [131037, resource('phone', 'display_name_not_approved')],
  [131045, resource('phone', 'phone_registration_error')],
  [131048, resource('phone', 'spam_rate_limited', true)], // quality cool-down: fail over, Meta lifts it
  [131057, resource('phone', 'phone_maintenance', true)], // minutes long: fail over rather than block the activity retrying
  [2494100, resource('phone', 'phone_maintenance', true)], // migration maintenance: same reasoning as 131057
  [133000, resource('phone', 'deregistration_incomplete')],
  [133005, resource('phone', 'two_step_pin_incorrect')],
  [133006, resource('phone', 'phone_not_verified')],
  [133008, resource('phone', 'too_many_pin_guesses', true)],
  [133009, resource('phone', 'pin_entered_too_quickly', true)],
  [133010, resource('phone', 'phone_not_registered')],
  [133015, resource('phone', 'phone_recently_deleted', true)],
  [133016, resource('phone', 'too_many_registration_attempts', true)],
  // Resource: WABA.
  [368, resource('waba', 'policy_restricted')],
  [130497, resource('waba', 'country_restricted')], // WABA × country: the resolver should scope it to the recipient's country
  [131031, resource('waba', 'account_locked')],
  [131042, resource('waba', 'payment_issue')],
  [131063, resource('waba', 'marketing_disabled_on_cloud_api')],
  [131064, resource('waba', 'misclassification_enforcement', true)],
  [134011, resource('waba', 'payments_terms_not_accepted')],
  // Resource: template (including its flow, and Marketing Messages API template states).
  [132001, resource('template', 'template_not_found')],
  [132007, resource('template', 'template_policy_violation')],
  [132015, resource('template', 'template_paused', true)],
  [132016, resource('template', 'template_disabled')],
  [132068, resource('template', 'flow_blocked')],
  [132069, resource('template', 'flow_throttled', true)],
  [134100, resource('template', 'template_syncing', true)],
  [134101, resource('template', 'template_unavailable')],
  [134102, resource('template', 'template_validation_error')],
  [132018, resource('template', 'template_mm_api_error')], // MM API group, meaning uncertain (docs/meta-cloud-api.md#errors): another template may work
  // Recipient: only this user is affected; failover does not help.
  [131026, recipient('undeliverable')],
  [131050, recipient('marketing_opted_out')],
  [130472, recipient('marketing_experiment_holdout')],
  [131021, recipient('recipient_is_sender')],
  [130403, recipient('blocked_by_business')],
  [137000, recipient('identity_key_mismatch')],
  [131047, recipient('outside_service_window')],
  [470, recipient('outside_service_window')], // legacy On-Premises equivalent of 131047
  [131030, recipient('not_in_allowed_list')], // sandbox number: only this pair fails; the number still serves allow-listed users
  [131049, { kind: 'marketing_limit', reason: 'per_user_marketing_limit' }],
  // Request: our payload or configuration is wrong; retrying or failing over cannot fix it.
  [100, request('invalid_parameter')],
  [131008, request('required_parameter_missing')],
  [131009, request('parameter_value_invalid')],
  [131051, request('unsupported_message_type')],
  [131053, request('media_upload_failed')], // our media link/content: degrade to text or re-upload, not a health issue
  [131055, request('not_a_marketing_message')],
  [131062, request('bsuid_recipient_not_supported')],
  [132000, request('parameter_count_mismatch')],
  [132005, request('hydrated_text_too_long')],
  [132008, request('parameter_value_invalid')],
  [132012, request('parameter_format_mismatch')],
  [135000, request('unknown_parameter_error')],
  [2388019, request('template_count_limit')], // template creation only: says nothing about sending health
]);

const TOKEN_SUBCODE_REASONS: ReadonlyMap<number, string> = new Map([
  [463, 'token_expired'],
  [460, 'token_invalidated'],
]);

export function ruleFor(code: number, subcode: number | undefined): Rule | undefined {
  if (code === 100 && subcode === 33) return resource('phone', 'object_not_found'); // wrong/deleted PNID: number config broken
  if (code === 190) return auth(TOKEN_SUBCODE_REASONS.get(subcode ?? -1) ?? 'token_invalid');
  if (code >= 200 && code <= 299) return auth('api_permission_missing');
  return CODE_RULES.get(code);
}
