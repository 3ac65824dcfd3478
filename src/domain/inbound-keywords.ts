/**
 * What a customer's inbound message asks for (docs/webhooks.md): an opt-out, a human, or a consent answer. Pure.
 *
 * Keywords match the *whole* message, never a substring ("stop" opts out, "don't stop the offers" does not):
 * Unicode NFC, trimmed, inner whitespace collapsed, punctuation and symbols at either end dropped ("Stop!",
 * "STOP 🛑"), compared case-insensitively. Accents are not folded: variants are listed (ARRÊTER and ARRETER).
 * A tenant's own list (settings `optOutKeywords` / `escalationKeywords`) replaces the defaults.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'STOP ALL',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPT OUT',
  'OPTOUT',
  'PARAR', // pt, es
  'PARE', // pt
  'SAIR', // pt
  'ALTO', // es
  'BAJA', // es ("darse de baja")
  'DETENER', // es
  'ARRÊTER', // fr
  'ARRETER',
  'STOPP', // de, sv, no
  'ABMELDEN', // de
  'BASTA', // it, es
  'रोकें', // hi
  'रोको', // hi
  'बंद करो', // hi
  'توقف', // ar
  'إلغاء الاشتراك', // ar
];

export const DEFAULT_ESCALATION_KEYWORDS: readonly string[] = [
  'AGENT',
  'HUMAN',
  'PERSON',
  'REPRESENTATIVE',
  'OPERATOR',
  'TALK TO AGENT',
  'TALK TO A HUMAN',
  'AGENTE', // es, pt, it
  'HUMANO', // es, pt
  'ATENDENTE', // pt
  'CONSEILLER', // fr
  'MENSCH', // de
  'एजेंट', // hi
  'موظف', // ar
];

/** The comparable form of a message or keyword. */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFC')
    .replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

export interface KeywordLists {
  optOut: ReadonlySet<string>;
  escalation: ReadonlySet<string>;
}

export function keywordLists(settings: { optOutKeywords?: string[]; escalationKeywords?: string[] }): KeywordLists {
  const set = (list: readonly string[]) => new Set(list.map(normaliseKeyword).filter((k) => k.length > 0));
  return {
    optOut: set(settings.optOutKeywords ?? DEFAULT_OPT_OUT_KEYWORDS),
    escalation: set(settings.escalationKeywords ?? DEFAULT_ESCALATION_KEYWORDS),
  };
}

/** Opt-out wins over escalation when a word is in both lists (it is the one with legal weight). */
export function classifyText(
  texts: readonly (string | undefined)[],
  lists: KeywordLists,
): 'opt_out' | 'escalation' | undefined {
  const forms = texts.filter((t): t is string => typeof t === 'string').map(normaliseKeyword);
  if (forms.some((f) => lists.optOut.has(f))) return 'opt_out';
  if (forms.some((f) => lists.escalation.has(f))) return 'escalation';
  return undefined;
}
