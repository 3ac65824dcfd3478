/**
 * What a customer's inbound message asks for (docs/conversations.md, "Keywords and phrases"; docs/webhooks.md):
 * an opt-out or a human. Pure.
 *
 * Opt-out keywords match the *whole* message, never part of it ("stop" opts out, "don't stop the offers" does not):
 * an opt-out has legal weight, so it is never guessed from a sentence. Escalation entries are matched on words:
 * - a one-word entry ("agent") escalates when it is the whole message, apart from courtesy words ("agent please",
 *   "Hi, HUMAN!"); inside a sentence it does not ("I am an agent of change", "can an agent call me?");
 * - a several-word entry ("talk to person") is a phrase: its words appear in order as whole words anywhere in the
 *   message, with at most MAX_PHRASE_GAP other words between two of them ("I want to talk to a real person").
 * Words are runs of letters, combining marks and digits (Devanagari vowel signs are marks), so "agentur" is not
 * "agent". Text is NFC-normalised and compared case-insensitively; accents are not folded (variants are listed).
 * A tenant's own lists (settings `optOutKeywords` / `escalationKeywords`) replace the defaults.
 */
import { DEFAULT_ESCALATION_PHRASES, DEFAULT_OPT_OUT_KEYWORDS, COURTESY_WORDS } from './inbound-keyword-lists';

export { DEFAULT_ESCALATION_PHRASES, DEFAULT_OPT_OUT_KEYWORDS };

const EDGE = /^[\p{P}\p{S}\s]$/u;

/** Without leading and trailing punctuation, symbols and spaces; linear (an anchored `…+$` regex is quadratic). */
function trimEdges(text: string): string {
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && EDGE.test(chars[start]!)) start += 1;
  while (end > start && EDGE.test(chars[end - 1]!)) end -= 1;
  return chars.slice(start, end).join('');
}

/** Other words allowed between two consecutive words of a phrase ("talk to [a real] person"). */
export const MAX_PHRASE_GAP = 2;

/** The comparable form of a whole message or opt-out keyword. */
export function normaliseKeyword(text: string): string {
  return trimEdges(text.normalize('NFC')).replace(/\s+/g, ' ').toLowerCase();
}

/** The words of a text: lower-case runs of letters, marks and digits. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

export interface EscalationEntry {
  /** The entry as the tenant (or the defaults) wrote it. */
  readonly keyword: string;
  readonly language: string;
  readonly words: readonly string[];
}

export interface KeywordLists {
  optOut: ReadonlySet<string>;
  escalation: readonly EscalationEntry[];
}

/** A tenant's escalation list: one list for every language, or lists per language (`{ "es": [...] }`). */
export type EscalationKeywords = readonly string[] | Readonly<Record<string, readonly string[]>>;

const COURTESY = new Set(COURTESY_WORDS.flatMap(words));

export function keywordLists(settings: {
  optOutKeywords?: readonly string[];
  escalationKeywords?: EscalationKeywords;
}): KeywordLists {
  const optOut = (settings.optOutKeywords ?? DEFAULT_OPT_OUT_KEYWORDS).map(normaliseKeyword).filter((k) => k);
  const source = settings.escalationKeywords ?? DEFAULT_ESCALATION_PHRASES;
  const byLanguage: [string, readonly string[]][] = Array.isArray(source)
    ? [['any', source as readonly string[]]]
    : Object.entries(source as Readonly<Record<string, readonly string[]>>);
  const escalation = byLanguage.flatMap(([language, list]) =>
    list.map((keyword) => ({ keyword, language, words: words(keyword) })).filter((e) => e.words.length > 0),
  );
  return { optOut: new Set(optOut), escalation };
}

/** True when `phrase` occurs in `message` in order, at most MAX_PHRASE_GAP words between two of its words. */
function containsPhrase(message: readonly string[], phrase: readonly string[]): boolean {
  for (let start = 0; start < message.length; start++) {
    if (message[start] !== phrase[0]) continue;
    let at = start;
    let matched = 1;
    while (matched < phrase.length) {
      const limit = Math.min(message.length - 1, at + 1 + MAX_PHRASE_GAP);
      let next = -1;
      for (let i = at + 1; i <= limit; i++) {
        if (message[i] === phrase[matched]) {
          next = i;
          break;
        }
      }
      if (next < 0) break;
      at = next;
      matched += 1;
    }
    if (matched === phrase.length) return true;
  }
  return false;
}

function escalates(message: readonly string[], entry: EscalationEntry): boolean {
  if (entry.words.length > 1) return containsPhrase(message, entry.words);
  const meaningful = message.filter((w) => !COURTESY.has(w));
  return meaningful.length === 1 && meaningful[0] === entry.words[0];
}

export type InboundIntent =
  { intent: 'opt_out'; keyword: string } | { intent: 'escalation'; keyword: string; language: string };

/**
 * The intent of a message, given what the customer wrote or tapped (a typed body, or a tap's title and payload).
 * Opt-out wins over escalation when both match (it is the one with legal weight).
 */
export function matchInbound(texts: readonly (string | undefined)[], lists: KeywordLists): InboundIntent | undefined {
  const given = texts.filter((t): t is string => typeof t === 'string');
  const optOut = given.map(normaliseKeyword).find((f) => lists.optOut.has(f));
  if (optOut !== undefined) return { intent: 'opt_out', keyword: optOut };
  for (const text of given) {
    const message = words(text);
    const entry = lists.escalation.find((e) => escalates(message, e));
    if (entry) return { intent: 'escalation', keyword: entry.keyword, language: entry.language };
  }
  return undefined;
}

/** The intent's name only. */
export function classifyText(
  texts: readonly (string | undefined)[],
  lists: KeywordLists,
): 'opt_out' | 'escalation' | undefined {
  return matchInbound(texts, lists)?.intent;
}
