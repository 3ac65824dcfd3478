/**
 * Resolver benchmark: decisions/s and p50/p99 decision time for registries of 10×10×10 and 100×20×20
 * (WABAs × numbers per WABA × templates per WABA), resolving from a prebuilt index and from the raw snapshot
 * (indexed on every call), side by side. Prints figures only; run with `npx tsx src/bench/resolver.ts`.
 *
 * Scenarios: `steady` (realistic fault mix, 30% sticky contacts, some exclusions), `primary down` (the
 * group's first WABA is banned, so every other WABA is scanned), `none` (every candidate rejected: a full scan
 * plus the complete rejection list).
 */
import type { PhoneNumber, Portfolio, RegistrySnapshot, Template, TemplateGroup, Waba } from '../domain/registry';
import { type ResolveRequest, type UsageSnapshot, indexSnapshot, resolve } from '../domain/resolver';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

/** Seeded PRNG (mulberry32) so every run measures the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  wabas: number;
  phones: number;
  templates: number;
}

/** Ten WABAs per portfolio; template k of every WABA belongs to group `tpl<k>`; ~5% unhealthy, ~10% YELLOW. */
function buildRegistry({ wabas, phones, templates }: Shape, rnd: () => number): RegistrySnapshot {
  const s = {
    portfolios: [] as Portfolio[],
    wabas: [] as Waba[],
    phoneNumbers: [] as PhoneNumber[],
    templates: [] as Template[],
  };
  const tiers = ['TIER_10K', 'TIER_100K', 'TIER_2K', 'TIER_UNLIMITED'] as const;
  for (let p = 0; p < Math.ceil(wabas / 10); p++)
    s.portfolios.push({ id: `pf${p}`, messagingTier: tiers[p % tiers.length]! });
  for (let w = 0; w < wabas; w++) {
    const wabaId = `1000${w}`;
    s.wabas.push({
      id: wabaId,
      portfolioId: `pf${Math.floor(w / 10)}`,
      name: `WABA ${w}`,
      accountReviewStatus: 'APPROVED',
      banState: 'NONE',
      restrictions: rnd() < 0.05 ? [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: iso(3_600_000) }] : [],
      deleted: false,
      offboarded: false,
      canSendMessage: rnd() < 0.05 ? 'LIMITED' : 'AVAILABLE',
    });
    for (let n = 0; n < phones; n++) {
      const r = rnd();
      s.phoneNumbers.push({
        id: `2000${w}0${n}`,
        wabaId,
        displayPhoneNumber: `+1 555-${w}-${n}`,
        status: r < 0.03 ? 'FLAGGED' : 'CONNECTED',
        qualityRating: r < 0.05 ? 'RED' : r < 0.15 ? 'YELLOW' : 'GREEN',
        throughputLevel: rnd() < 0.2 ? 'HIGH' : 'STANDARD',
        canSendMessage: 'AVAILABLE',
        enabled: rnd() > 0.02,
        priority: n < 2 ? 0 : 1,
        throttledUntil: rnd() < 0.03 ? iso(2_000) : null,
        breaker: rnd() < 0.02 ? { openUntil: iso(60_000), reason: 'send errors' } : null,
      });
    }
    for (let t = 0; t < templates; t++) {
      const r = rnd();
      s.templates.push({
        id: `3000${w}0${t}`,
        wabaId,
        name: `tpl${t}`,
        language: 'en_US',
        category: 'MARKETING',
        status: r < 0.03 ? 'PAUSED' : 'APPROVED',
        qualityScore: r < 0.1 ? 'YELLOW' : r < 0.15 ? 'UNKNOWN' : 'GREEN',
        canSendMessage: 'AVAILABLE',
        components: [{ type: 'BODY', text: 'Hello {{1}}' }],
      });
    }
  }
  const groups: TemplateGroup[] = Array.from({ length: templates }, (_, t) => ({
    key: `tpl${t}`,
    members: s.wabas.map((w) => ({ wabaId: w.id, name: `tpl${t}`, language: 'en_US' })),
  }));
  return { ...s, groups };
}

type Scenario = 'steady' | 'primary down' | 'none';

function buildInputs(s: RegistrySnapshot, scenario: Scenario, count: number, rnd: () => number) {
  const portfolios = Object.fromEntries(
    s.portfolios.map((p) => [p.id, { uniqueRecipients24h: Math.floor(rnd() * 1_900) }]),
  );
  const phones = Object.fromEntries(s.phoneNumbers.map((p) => [p.id, { sentLastSecond: Math.floor(rnd() * 79) }]));
  const templates = s.groups.length;
  const inputs: { req: ResolveRequest; usage: UsageSnapshot }[] = [];
  for (let i = 0; i < count; i++) {
    const sticky = rnd() < 0.3 ? s.phoneNumbers[Math.floor(rnd() * s.phoneNumbers.length)]?.id : undefined;
    const req: ResolveRequest = {
      requestId: `msg-${i}`,
      templateKey: `tpl${Math.floor(rnd() * templates)}`,
      language: 'en_US',
      stickyPhoneNumberId: scenario === 'steady' ? sticky : null,
      exclude: scenario === 'steady' && rnd() < 0.1 ? { phoneNumberIds: [s.phoneNumbers[0]!.id] } : null,
      category: scenario === 'none' ? 'UTILITY' : null,
    };
    const usage: UsageSnapshot = { portfolios, phones, recipientCountedIn: rnd() < 0.2 ? ['pf0'] : [] };
    inputs.push({ req, usage });
  }
  return inputs;
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
}

function measure(run: (i: number) => boolean, warmup: number, iterations: number, budgetMs: number): Figures {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += run(i) ? 1 : 0;
  const times: number[] = [];
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    sink += run(warmup + i) ? 1 : 0;
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1_000);
    if (t1 > deadline) break;
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink); // keeps the work observable
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { perSecond: times.length / elapsedS, p50: at(0.5), p99: at(0.99) };
}

const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(10);

function main(): void {
  const shapes: Shape[] = [
    { wabas: 10, phones: 10, templates: 10 },
    { wabas: 100, phones: 20, templates: 20 },
  ];
  const scenarios: Scenario[] = ['steady', 'primary down', 'none'];
  console.log(`node ${process.version}; µs per decision (timer included); ratio = snapshot p50 / index p50\n`);
  console.log(
    `${'registry'.padEnd(12)}${'scenario'.padEnd(14)}${'mode'.padEnd(10)}${'decisions/s'.padStart(12)}${'p50 µs'.padStart(10)}${'p99 µs'.padStart(10)}${'ratio'.padStart(8)}`,
  );
  for (const shape of shapes) {
    const rnd = prng(42);
    const base = buildRegistry(shape, rnd);
    const builds = measure(() => indexSnapshot(base).kind !== undefined, 3, 50, 2_000);
    console.log(
      `${`${shape.wabas}×${shape.phones}×${shape.templates}`.padEnd(12)}${'indexSnapshot'.padEnd(24)}${fmt(builds.perSecond, 0).padStart(12)}${fmt(builds.p50)}${fmt(builds.p99)}`,
    );
    for (const scenario of scenarios) {
      // primary down: ban every group's first WABA, so candidates come from the other WABAs (rank 4).
      const s: RegistrySnapshot =
        scenario === 'primary down'
          ? { ...base, wabas: base.wabas.map((w, i) => (i === 0 ? { ...w, banState: 'DISABLE' as const } : w)) }
          : base;
      const index = indexSnapshot(s);
      const inputs = buildInputs(s, scenario, 4_096, rnd);
      const input = (i: number) => inputs[i % inputs.length]!;
      const viaIndex = measure(
        (i) => resolve(input(i).req, index, input(i).usage, NOW).outcome === 'resolved',
        5_000,
        50_000,
        3_000,
      );
      const viaSnapshot = measure(
        (i) => resolve(input(i).req, s, input(i).usage, NOW).outcome === 'resolved',
        50,
        2_000,
        3_000,
      );
      const label = `${shape.wabas}×${shape.phones}×${shape.templates}`.padEnd(12) + scenario.padEnd(14);
      for (const [mode, f, ratio] of [
        ['index', viaIndex, ''],
        ['snapshot', viaSnapshot, `${(viaSnapshot.p50 / viaIndex.p50).toFixed(0)}×`],
      ] as const) {
        console.log(
          `${label}${mode.padEnd(10)}${fmt(f.perSecond, 0).padStart(12)}${fmt(f.p50)}${fmt(f.p99)}${ratio.padStart(8)}`,
        );
      }
    }
  }
}

main();
