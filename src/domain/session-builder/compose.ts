/** Fitting text into limits: truncation notes, block layout with a body budget, unique titles and ids. */
import { safeSlice, truncateAtWord } from '../text';
import type { RenameNote, TruncationNote } from './types';

/** Collects what the builder had to shorten or rename, for the result's metadata. */
export class Notes {
  readonly truncated: TruncationNote[] = [];
  readonly renamed: RenameNote[] = [];

  /** truncateAtWord, recording the change at `path`. */
  fit(path: string, text: string, limit: number): string {
    const out = truncateAtWord(text, limit);
    if (out !== text) this.truncated.push({ path, originalLength: text.length, length: out.length, limit });
    return out;
  }
}

/** The body gives way first; below this much room it would be unreadable, so the whole text is cut instead. */
const MIN_BODY_ROOM = 100;
const BLOCK_SEPARATOR = '\n\n';

/**
 * Lays out `[...lead, body, ...tail]` as paragraphs within `limit`. When too long, only the body is shortened,
 * so URLs, phone and codes survive; if they alone leave under MIN_BODY_ROOM, the whole text is cut at a word.
 */
export function composeBlocks(
  notes: Notes,
  path: string,
  blocks: { lead: readonly string[]; body: string; tail: readonly string[] },
  limit: number,
): string {
  const lead = blocks.lead.filter((b) => b !== '');
  const tail = blocks.tail.filter((b) => b !== '');
  const join = (body: string) => [...lead, body, ...tail].filter((b) => b !== '').join(BLOCK_SEPARATOR);
  const full = join(blocks.body);
  if (full.length <= limit) return full;
  const fixed = [...lead, ...tail].reduce((n, b) => n + b.length + BLOCK_SEPARATOR.length, 0);
  const budget = limit - fixed;
  const out =
    budget >= Math.min(blocks.body.length, MIN_BODY_ROOM)
      ? join(truncateAtWord(blocks.body, budget))
      : truncateAtWord(full, limit);
  notes.truncated.push({ path, originalLength: full.length, length: out.length, limit });
  return out;
}

/**
 * Titles fitted to `limit` and unique within the message (compared trimmed and case-insensitively, to be safe):
 * a later duplicate becomes "<title, shortened> (2)", "(3)", … in order.
 */
export function uniqueTitles(
  notes: Notes,
  titles: readonly string[],
  limit: number,
  pathOf: (i: number) => string,
): string[] {
  const used = new Set<string>();
  return titles.map((raw, i) => {
    const original = raw.trim() || String(i + 1);
    const fitted = notes.fit(pathOf(i), original, limit);
    let title = fitted;
    for (let n = 2; used.has(title.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      title = truncateAtWord(original, limit - suffix.length) + suffix;
    }
    if (title !== fitted) notes.renamed.push({ path: pathOf(i), from: fitted, to: title });
    used.add(title.toLowerCase());
    return title;
  });
}

/**
 * Reply-button / row ids: the original quick-reply payload, cut to `limit` code units without splitting a
 * surrogate pair (ids are machine values: no ellipsis). A later id equal to an earlier one becomes
 * "<payload, cut>~2", "~3", … so ids stay unique and deterministic; `SessionChoice` maps each id back.
 */
export function uniqueIds(
  notes: Notes,
  payloads: readonly string[],
  limit: number,
  pathOf: (i: number) => string,
): string[] {
  const used = new Set<string>();
  return payloads.map((payload, i) => {
    const cut = safeSlice(payload, limit);
    if (cut !== payload)
      notes.truncated.push({ path: pathOf(i), originalLength: payload.length, length: cut.length, limit });
    let id = cut;
    for (let n = 2; used.has(id); n++) {
      const suffix = `~${n}`;
      id = safeSlice(payload, limit - suffix.length) + suffix;
    }
    if (id !== cut) notes.renamed.push({ path: pathOf(i), from: cut, to: id });
    used.add(id);
    return id;
  });
}
