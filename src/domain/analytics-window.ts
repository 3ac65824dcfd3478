/** A half-open range of creation times [from, to), as ISO strings. */
export interface TimeRange {
  from: string;
  to: string;
}

const midnight = (day: string) => `${day}T00:00:00Z`;
const nextDay = (day: string) => new Date(Date.parse(midnight(day)) + 86_400_000).toISOString().slice(0, 10);

/**
 * The parts of a window [from, to) not covered by its rolled-up days (docs/console.md, "Delivery analytics"): the
 * ranges the analytics count from the rows. `days` (YYYY-MM-DD, UTC) are whole days inside the window, as the
 * database chose them, so the window's own bounds are kept verbatim — never re-parsed, whatever their precision.
 * A range may be empty (a window starting at midnight); it then matches no row. Pure.
 */
export function rawRanges(from: string, to: string, days: readonly string[]): TimeRange[] {
  const ranges: TimeRange[] = [];
  let cursor = from;
  let previous: string | undefined;
  for (const day of [...days].sort()) {
    // Consecutive rolled-up days leave nothing between them.
    if (previous === undefined || nextDay(previous) !== day) ranges.push({ from: cursor, to: midnight(day) });
    cursor = midnight(nextDay(day));
    previous = day;
  }
  ranges.push({ from: cursor, to });
  return ranges;
}
