import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rawRanges } from '../../src/domain/analytics-window';

describe('rawRanges: the window minus its rolled-up days', () => {
  it('when days are rolled up inside the window, then the ranges are the edges and the gaps between them', () => {
    assert.deepEqual(
      rawRanges('2026-05-01T10:30:00.123456Z', '2026-05-06T07:00:00+02:00', ['2026-05-04', '2026-05-02']),
      [
        { from: '2026-05-01T10:30:00.123456Z', to: '2026-05-02T00:00:00Z' },
        { from: '2026-05-03T00:00:00Z', to: '2026-05-04T00:00:00Z' },
        { from: '2026-05-05T00:00:00Z', to: '2026-05-06T07:00:00+02:00' },
      ],
    );
  });

  it('when rolled-up days follow each other, then nothing lies between them; with none, the window is one range', () => {
    assert.deepEqual(
      rawRanges('2026-02-27T00:00:00Z', '2026-03-02T12:00:00Z', ['2026-02-27', '2026-02-28', '2026-03-01']),
      [
        { from: '2026-02-27T00:00:00Z', to: '2026-02-27T00:00:00Z' },
        { from: '2026-03-02T00:00:00Z', to: '2026-03-02T12:00:00Z' },
      ],
    );
    assert.deepEqual(rawRanges('2026-05-01T10:00:00Z', '2026-05-01T11:00:00Z', []), [
      { from: '2026-05-01T10:00:00Z', to: '2026-05-01T11:00:00Z' },
    ]);
  });

  it('when any whole days are rolled up, then every instant of the window is in exactly one of them or one range', () => {
    const DAY = 86_400_000;
    const base = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 * DAY }),
        fc.integer({ min: 1, max: 20 * DAY }),
        fc.array(fc.boolean(), { maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 45 * DAY }), { maxLength: 30 }),
        (start, span, picks, probes) => {
          const from = base + start;
          const to = from + span;
          const whole: string[] = [];
          for (let d = Math.ceil(from / DAY) * DAY; d + DAY <= to; d += DAY)
            whole.push(new Date(d).toISOString().slice(0, 10));
          const days = whole.filter((_, i) => picks[i]);
          const ranges = rawRanges(new Date(from).toISOString(), new Date(to).toISOString(), days);
          for (const p of probes.map((x) => base + x)) {
            const inDay = days.filter((d) => p >= Date.parse(d) && p < Date.parse(d) + DAY).length;
            const inRange = ranges.filter((r) => p >= Date.parse(r.from) && p < Date.parse(r.to)).length;
            assert.equal(inDay + inRange, p >= from && p < to ? 1 : 0, new Date(p).toISOString());
          }
        },
      ),
    );
  });
});
