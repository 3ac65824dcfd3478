/**
 * The error-rate circuit of one resource, pure (docs/capacity.md, "Circuit breaker"): a sliding window of the
 * outcomes of sends through it; the circuit opens when at least `threshold` of at least `minSamples` outcomes in
 * the last `windowMs` failed blaming it — not on one error. Open, the resource is out of rotation until
 * `openUntil`; then it is half-open: the next outcome is the probe — a success closes the circuit, a failure opens
 * it again for twice as long (up to `maxOpenMs`).
 */

export interface BreakerPolicy {
  windowMs: number;
  minSamples: number;
  /** Failure rate (0..1) that opens the circuit. */
  threshold: number;
  openMs: number;
  maxOpenMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  windowMs: 60_000,
  minSamples: 5,
  threshold: 0.5,
  openMs: 10 * 60_000,
  maxOpenMs: 60 * 60_000,
};

/** Outcomes kept per resource at most: the rate over the newest ones is what matters. */
const MAX_OUTCOMES = 200;

export interface BreakerState {
  phase: 'closed' | 'open' | 'half_open';
  /** Newest last. */
  outcomes: { at: number; failed: boolean }[];
  openUntil: number;
  /** Consecutive openings (each doubles the open time). */
  opens: number;
}

export const closedBreaker = (): BreakerState => ({ phase: 'closed', outcomes: [], openUntil: 0, opens: 0 });

/** `open`: the circuit has just opened until `openUntil`; `close`: a half-open probe succeeded. */
export type BreakerVerdict = { verdict: 'open'; openUntil: number } | { verdict: 'close' } | { verdict: 'none' };

/** Folds one outcome into the state (mutating it) and says whether the circuit changed. */
export function observe(s: BreakerState, at: number, failed: boolean, p: BreakerPolicy): BreakerVerdict {
  if (s.phase === 'open' && at >= s.openUntil) s.phase = 'half_open';
  if (s.phase === 'open') return { verdict: 'none' }; // a send already in flight when it opened
  if (s.phase === 'half_open') {
    if (!failed) {
      Object.assign(s, closedBreaker());
      return { verdict: 'close' };
    }
    return open(s, at, p);
  }
  s.outcomes.push({ at, failed });
  let drop = 0;
  while (
    drop < s.outcomes.length &&
    (s.outcomes[drop]!.at <= at - p.windowMs || s.outcomes.length - drop > MAX_OUTCOMES)
  )
    drop++;
  if (drop > 0) s.outcomes.splice(0, drop);
  if (!failed || s.outcomes.length < p.minSamples) return { verdict: 'none' };
  const failures = s.outcomes.reduce((n, o) => n + (o.failed ? 1 : 0), 0);
  return failures / s.outcomes.length >= p.threshold ? open(s, at, p) : { verdict: 'none' };
}

function open(s: BreakerState, at: number, p: BreakerPolicy): BreakerVerdict {
  const ms = Math.min(p.maxOpenMs, p.openMs * 2 ** s.opens);
  s.phase = 'open';
  s.opens += 1;
  s.openUntil = at + ms;
  s.outcomes = [];
  return { verdict: 'open', openUntil: s.openUntil };
}
