/**
 * Smart Utility Fallback consent: the quick-reply payloads that identify a message, and what a customer's reply
 * means. Pure (imported by workflow code).
 */
export const CONSENT_YES = 'CONSENT_YES';
export const CONSENT_NO = 'CONSENT_NO';

export function consentPayloads(messageId: string): { yes: string; no: string } {
  return { yes: `${CONSENT_YES}:${messageId}`, no: `${CONSENT_NO}:${messageId}` };
}

/** The message a consent payload names, if it is one. */
export function messageOfConsentPayload(payload: string | undefined): string | undefined {
  const m = /^CONSENT_(?:YES|NO):(.+)$/.exec(payload ?? '');
  return m?.[1];
}

const YES = new Set([
  'yes',
  'y',
  'yes please',
  'ok',
  'okay',
  'sure',
  'si',
  'sí',
  'sim',
  'oui',
  'ja',
  'haan',
  'ha',
  'हाँ',
  'हां',
  'نعم',
]);
const NO = new Set(['no', 'n', 'no thanks', 'not now', 'nao', 'não', 'non', 'nein', 'nahi', 'नहीं', 'لا']);

/**
 * 'yes' | 'no' for a reply to a consent prompt: our own payloads first, then the tapped button's title or a typed
 * answer. Anything else (a question, "agent") is not an answer and leaves the message waiting.
 */
export function interpretConsent(reply: { payload?: string; text?: string }): 'yes' | 'no' | undefined {
  if (reply.payload?.startsWith(`${CONSENT_YES}:`)) return 'yes';
  if (reply.payload?.startsWith(`${CONSENT_NO}:`)) return 'no';
  const said = (reply.text ?? reply.payload ?? '')
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (YES.has(said)) return 'yes';
  if (NO.has(said)) return 'no';
  return undefined;
}
