/**
 * Text helpers for WhatsApp's length limits. Lengths are JS string lengths (UTF-16 code units), as
 * Meta's SDKs count them; a code-point count is never larger, so a fitting string fits Meta too.
 */

export const ELLIPSIS = '…';

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const ZERO_WIDTH_JOINER = '\u200d';

/** The longest prefix of `text` of at most `max` code units that does not end inside a surrogate pair or after a ZWJ. */
export function safeSlice(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (isHighSurrogate(cut.charCodeAt(cut.length - 1))) cut = cut.slice(0, -1);
  while (cut.endsWith(ZERO_WIDTH_JOINER)) cut = cut.slice(0, -1); // half of a ZWJ emoji sequence
  return cut;
}

/**
 * Fits `text` into `max` code units. Text that fits is returned unchanged; otherwise it is cut at the last
 * word boundary (when that keeps at least half of the room, else mid-word) and ends with "…".
 */
export function truncateAtWord(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  const room = max - ELLIPSIS.length;
  let cut = safeSlice(text, room);
  const next = text.charAt(cut.length);
  if (!/\s/.test(next)) {
    const lastSpace = lastWhitespaceIndex(cut);
    if (lastSpace >= Math.ceil(room / 2)) cut = cut.slice(0, lastSpace);
  }
  cut = cut.trimEnd().replace(/[\s,;:–—-]+$/u, '');
  return cut + ELLIPSIS;
}

function lastWhitespaceIndex(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    if (/\s/.test(text.charAt(i))) return i;
  }
  return -1;
}
