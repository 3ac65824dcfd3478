import { api } from '../api';
import { h, table, verdictBadge, type Child } from '../dom';
import { when } from '../format';

interface Reason {
  code: string;
  message?: string;
}
interface Change {
  at: string;
  source: string;
  verdict: string | null;
  change: Record<string, unknown>;
}
interface Resource {
  type: string;
  id: string;
  name: string;
  verdict: string;
  reasons: Reason[];
  recentChanges: Change[];
  wabaId?: string;
  tier?: string | null;
  quality?: string;
  status?: string;
  breaker: { open: boolean; reason: string; openUntil: string } | null;
}
interface Matrix {
  checkedAt: string;
  wabas: Resource[];
  phoneNumbers: Resource[];
  templates: Resource[];
}

const reasons = (r: Resource) =>
  h(
    'ul',
    { class: 'reasons' },
    r.reasons.map((x) => h('li', {}, x.message ?? x.code)),
  );
const breaker = (r: Resource) =>
  r.breaker
    ? h(
        'span',
        { class: r.breaker.open ? 'badge breaker-open' : 'badge' },
        r.breaker.open ? `open: ${r.breaker.reason}` : 'closed',
      )
    : 'closed';
const changes = (r: Resource) =>
  h(
    'ul',
    { class: 'changes' },
    r.recentChanges
      .slice(0, 3)
      .map((c) => h('li', {}, `${when(c.at)} · ${c.source}${c.verdict ? ` → ${c.verdict}` : ''}`)),
  );

function section(title: string, rows: Resource[], extra: { head: string; cell: (r: Resource) => Child }[]) {
  return h(
    'section',
    {},
    h('h2', {}, title),
    table(
      ['Id', 'Name', 'Verdict', 'Reasons', ...extra.map((e) => e.head), 'Breaker', 'Recent changes'],
      rows.map((r) => [
        r.id,
        r.name,
        verdictBadge(r.verdict),
        reasons(r),
        ...extra.map((e) => e.cell(r)),
        breaker(r),
        changes(r),
      ]),
      { class: 'matrix', 'data-kind': title.toLowerCase().replace(/\s+/g, '-') },
    ),
  );
}

/** The health matrix (GET /v1/health): every WABA, number and template, polled every second. */
export async function healthPage(): Promise<HTMLElement> {
  const m = await api<Matrix>('GET', '/v1/health');
  return h(
    'div',
    {},
    h('h1', {}, 'Health'),
    h('p', { class: 'muted' }, `checked ${when(m.checkedAt)}`),
    section('WABAs', m.wabas, [{ head: 'Tier', cell: (r) => r.tier ?? '–' }]),
    section('Phone numbers', m.phoneNumbers, [
      { head: 'WABA', cell: (r) => r.wabaId },
      { head: 'Quality', cell: (r) => r.quality },
    ]),
    section('Templates', m.templates, [
      { head: 'WABA', cell: (r) => r.wabaId },
      { head: 'Status', cell: (r) => r.status },
      { head: 'Quality', cell: (r) => r.quality },
    ]),
  );
}
