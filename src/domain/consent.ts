/**
 * Smart Utility Fallback consent: the quick-reply payloads that identify a message, and what a customer's reply
 * means. Pure (imported by workflow code).
 */
export const CONSENT_YES = 'CONSENT_YES';
export const CONSENT_NO = 'CONSENT_NO';

export function consentPayloads(messageId: string): { yes: string; no: string } {
  return { yes: `${CONSENT_YES}:${messageId}`, no: `${CONSENT_NO}:${messageId}` };
}

/** A consent quick-reply payload parsed: the answer and the message it names. */
export function parseConsentPayload(
  payload: string | undefined,
): { answer: 'yes' | 'no'; messageId: string } | undefined {
  const m = payload ? /^CONSENT_(YES|NO):([0-9a-f-]{36})$/i.exec(payload.trim()) : null;
  return m ? { answer: m[1]!.toUpperCase() === 'YES' ? 'yes' : 'no', messageId: m[2]!.toLowerCase() } : undefined;
}

/** The message a consent payload names, if it is one. */
export function messageOfConsentPayload(payload: string | undefined): string | undefined {
  return parseConsentPayload(payload)?.messageId;
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
 * The text without its trailing dots and exclamation marks, in linear time. (The regex /[.!]+$/ retries from every
 * dot of a long run followed by another character: quadratic, and this runs in workflow code on customer text.)
 */
export function withoutTrailingPunctuation(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '!')) end -= 1;
  return s.slice(0, end);
}

/**
 * 'yes' | 'no' for a reply to a consent prompt: our own payloads first, then the tapped button's title or a typed
 * answer. Anything else (a question, "agent") is not an answer and leaves the message waiting.
 */
export function interpretConsent(reply: { payload?: string; text?: string }): 'yes' | 'no' | undefined {
  const ours = parseConsentPayload(reply.payload);
  if (ours) return ours.answer;
  const said = withoutTrailingPunctuation((reply.text ?? reply.payload ?? '').trim().toLowerCase());
  if (YES.has(said)) return 'yes';
  if (NO.has(said)) return 'no';
  return undefined;
}
