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
  say(`${'wave'.padEnd(18)} ${'to'.padEnd(14)} ${'status'.padEnd(10)} ${'attempts'.padEnd(9)} delivered via / failure`);
  const counts = new Map<string, number>();
  let failovers = 0;
  for (const m of outcome.messages) {
    const v = m.view ?? { status: 'unknown', to: '' };
    counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
    const attempts = v.attempts ?? [];
    if (attempts.length > 1) failovers += 1;
    const via = v.deliveredVia
      ? `WABA ${v.deliveredVia.wabaId} · number ${v.deliveredVia.phoneNumberId} · ${v.deliveredVia.kind}`
      : v.failure
        ? `${v.failure.reason}${v.failure.code ? ` (${v.failure.code})` : ''}`
        : '';
    // ✗ with a code: Meta refused it; a bare ✗: Lifeline's pre-send health check stopped it.
    const tried = attempts.map((a) => (a.outcome === 'failed' ? `✗${a.errorCode ?? ''}` : '✓')).join(' ');
    say(
      `${m.label.padEnd(18)} ${String(v.to ?? '').padEnd(14)} ${String(v.status).padEnd(10)} ${tried.padEnd(9)} ${via}`,
    );
  }
  say(
    `\n${outcome.messages.length} messages: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}; ` +
      `${failovers} switched combination automatically.`,
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
  say(
    `Temporal UI    ${opts.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent("LifelineCampaign='diwali-demo'")}`,
  );
  say(
    `simulator      ${opts.simUrl}/_control/state   (what every customer received: /_control/customers/<waId>/inbox)`,
  );
}
