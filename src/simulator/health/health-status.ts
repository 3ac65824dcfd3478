import { type PhoneNumber, type Portfolio, type Template, type Waba } from '../scenario/accounts-schema';

export type CanSend = 'AVAILABLE' | 'LIMITED' | 'BLOCKED';

export interface HealthError {
  error_code: number;
  error_description: string;
  possible_solution: string;
}

export interface HealthEntity {
  entity_type: 'PHONE_NUMBER' | 'MESSAGE_TEMPLATE' | 'WABA' | 'BUSINESS' | 'APP';
  id: string;
  can_send_message: CanSend;
  additional_info?: string[];
  errors?: HealthError[];
}

export interface HealthStatus {
  can_send_message: CanSend;
  entities: HealthEntity[];
}

const blocked = (
  type: HealthEntity['entity_type'],
  id: string,
  code: number,
  why: string,
  fix: string,
): HealthEntity => ({
  entity_type: type,
  id,
  can_send_message: 'BLOCKED',
  errors: [{ error_code: code, error_description: why, possible_solution: fix }],
});
const limited = (type: HealthEntity['entity_type'], id: string, info: string): HealthEntity => ({
  entity_type: type,
  id,
  can_send_message: 'LIMITED',
  additional_info: [info],
});
const available = (type: HealthEntity['entity_type'], id: string): HealthEntity => ({
  entity_type: type,
  id,
  can_send_message: 'AVAILABLE',
});

export function phoneHealth(phone: PhoneNumber): HealthEntity {
  const id = phone.id;
  if (!phone.registered || ['DISCONNECTED', 'PENDING', 'UNVERIFIED', 'MIGRATED'].includes(phone.status)) {
    return blocked(
      'PHONE_NUMBER',
      id,
      141000,
      `The phone number is ${phone.registered ? phone.status : 'not registered'}.`,
      'Register the phone number on Cloud API.',
    );
  }
  if (['BANNED', 'DELETED'].includes(phone.status)) {
    return blocked('PHONE_NUMBER', id, 141000, `The phone number is ${phone.status}.`, 'Contact support.');
  }
  if (['FLAGGED', 'RESTRICTED', 'RATE_LIMITED'].includes(phone.status) || phone.qualityRating === 'RED') {
    return limited(
      'PHONE_NUMBER',
      id,
      `The phone number is ${phone.status} with quality ${phone.qualityRating}; its messaging may be limited.`,
    );
  }
  if (!['APPROVED', 'AVAILABLE_WITHOUT_REVIEW'].includes(phone.nameStatus)) {
    return limited(
      'PHONE_NUMBER',
      id,
      'Your display name has not been approved yet. Your message limit will be increased after it is approved.',
    );
  }
  return available('PHONE_NUMBER', id);
}

export function wabaHealth(waba: Waba): HealthEntity {
  if (waba.status === 'BANNED') {
    return blocked(
      'WABA',
      waba.id,
      141014,
      'The WhatsApp Business Account has been banned.',
      'Request a review of the decision in Business Support Home.',
    );
  }
  if (waba.accountReviewStatus === 'REJECTED') {
    return blocked(
      'WABA',
      waba.id,
      141000,
      'The WhatsApp Business Account was rejected in review.',
      'Contact support.',
    );
  }
  if (waba.status === 'RESTRICTED') {
    return limited(
      'WABA',
      waba.id,
      `The WhatsApp Business Account is restricted (${waba.restriction?.type ?? 'RESTRICTED'}).`,
    );
  }
  if (waba.status === 'SCHEDULED_FOR_DISABLE') {
    return limited('WABA', waba.id, 'The WhatsApp Business Account is scheduled to be disabled for policy violations.');
  }
  return available('WABA', waba.id);
}

export function templateHealth(template: Template): HealthEntity {
  if (template.status !== 'APPROVED') {
    return blocked(
      'MESSAGE_TEMPLATE',
      template.id,
      141002,
      `The template is ${template.status}; only approved templates can be sent.`,
      'Use an approved template.',
    );
  }
  return available('MESSAGE_TEMPLATE', template.id);
}

export function businessHealth(portfolio: Portfolio): HealthEntity {
  return portfolio.verified
    ? available('BUSINESS', portfolio.id)
    : {
        ...limited('BUSINESS', portfolio.id, 'The business is not verified; its messaging limit stays low.'),
        errors: [
          {
            error_code: 141010,
            error_description: 'The business is not verified.',
            possible_solution: 'Complete business verification.',
          },
        ],
      };
}

/** Meta's rule (§6.4): BLOCKED if any entity is BLOCKED, else LIMITED if any is LIMITED, else AVAILABLE. */
export function aggregate(entities: readonly HealthEntity[]): HealthStatus {
  const states = entities.map((e) => e.can_send_message);
  const can = states.includes('BLOCKED') ? 'BLOCKED' : states.includes('LIMITED') ? 'LIMITED' : 'AVAILABLE';
  return { can_send_message: can, entities: [...entities] };
}
