import type { CampaignOutcome } from './campaign';

/** Prints what happened to every demo message, the registry's health, and where to look next. */
export async function printReport(opts: {
  apiUrl: string;
  uiUrl: string;
  simUrl: string;
  outcome: CampaignOutcome;
  say: (line: string) => void;
}): Promise<void> {
  const { say, outcome } = opts;
  say('\n── What happened ─────────────────────────────────────────────────────────────────────────────');
  say(
    `${'wave'.padEnd(18)} ${'to'.padEnd(14)} ${'status'.padEnd(10)} ${'attempts'.padEnd(12)} ${'cost $'.padEnd(8)} delivered via / failure`,
  );
  const counts = new Map<string, number>();
  let failovers = 0;
  for (const m of outcome.messages) {
    const v = m.view ?? { status: 'unknown', to: '' };
    counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
    const attempts = v.attempts ?? [];
    if (attempts.filter((a) => a.kind === 'template').length > 1) failovers += 1;
    const via = v.deliveredVia
      ? `WABA ${v.deliveredVia.wabaId} · number ${v.deliveredVia.phoneNumberId} · ${v.deliveredVia.kind}`
      : v.failure
        ? `${v.failure.reason}${v.failure.code ? ` (${v.failure.code})` : ''}`
        : '';
    // ✓ template sent, c consent prompt, s session message; ✗code Meta refused it; a bare ✗ Lifeline's
    // pre-send health check stopped it.
    const mark = (a: { kind: string; outcome: string; errorCode: number | null }) =>
      a.outcome === 'failed' ? `✗${a.errorCode ?? ''}` : a.kind === 'consent' ? 'c' : a.kind === 'session' ? 's' : '✓';
    const tried = attempts.map(mark).join(' ');
    const cost = (v.cost?.total ?? 0).toFixed(4);
    say(
      `${m.label.padEnd(18)} ${String(v.to ?? '').padEnd(14)} ${String(v.status).padEnd(10)} ${tried.padEnd(12)} ${cost.padEnd(8)} ${via}`,
    );
  }
  say(
    `\n${outcome.messages.length} messages: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}; ` +
      `${failovers} switched combination automatically.`,
  );

  const summary = (await (
    await fetch(`${opts.apiUrl}/v1/costs/summary?campaignId=diwali-demo`, {
      headers: { authorization: `Bearer ${outcome.apiKey}` },
    })
  ).json()) as { totalCost: number; recoveredByFallback: number; costPerRecoveredMessage: number | null };
  say(
    `cost: $${summary.totalCost.toFixed(4)} in all; ${summary.recoveredByFallback} recovered by Smart Utility Fallback at ` +
      `$${(summary.costPerRecoveredMessage ?? 0).toFixed(4)} each (default rate card; set yours in the tenant settings).`,
  );

  const b = outcome.broadcast;
  const reasons = Object.entries(b.view.failuresByReason)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  say(
    `\ncampaign ${b.campaignId}: ${b.view.status} in ${b.seconds.toFixed(0)} s; ` +
      `${(b.view.counts.delivered ?? 0) + (b.view.counts.read ?? 0)} of ${b.view.counts.total} delivered or read` +
      `${reasons ? `, failed: ${reasons}` : ''}; cost $${b.view.cost.total.toFixed(4)}.`,
  );

  const health = await fetch(`${opts.apiUrl}/v1/health`, { headers: { authorization: `Bearer ${outcome.apiKey}` } });
  const matrix = (await health.json()) as Record<
    string,
    { id: string; name: string; verdict: string; reasons: { code: string }[] }[]
  >;
  const sick = ['wabas', 'phoneNumbers', 'templates'].flatMap((k) =>
    (matrix[k] ?? []).filter((r) => r.verdict !== 'healthy'),
  );
  say('\n── Registry health (not healthy) ─────────────────────────────────────────────────────────────');
  for (const r of sick)
    say(`${r.verdict.padEnd(10)} ${r.id.padEnd(16)} ${r.name.padEnd(26)} ${r.reasons.map((x) => x.code).join(', ')}`);

  const example = outcome.messages.find((m) => (m.view?.attempts?.length ?? 0) > 1) ?? outcome.messages[0];
  say('\n── Where to look ─────────────────────────────────────────────────────────────────────────────');
  say(`API            ${opts.apiUrl}   (tenant API key: ${outcome.apiKey})`);
  if (example)
    say(`a message      curl -H 'authorization: Bearer ${outcome.apiKey}' ${opts.apiUrl}/v1/messages/${example.id}`);
  say(`health matrix  curl -H 'authorization: Bearer ${outcome.apiKey}' ${opts.apiUrl}/v1/health`);
  say(`the campaign   curl -H 'authorization: Bearer ${outcome.apiKey}' ${opts.apiUrl}/v1/campaigns/${b.campaignId}`);
  say(
    `Temporal UI    ${opts.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent("LifelineCampaign='diwali-demo'")}`,
  );
  say(
    `simulator      ${opts.simUrl}/_control/state   (what every customer received: /_control/customers/<waId>/inbox)`,
  );
}
