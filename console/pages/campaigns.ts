import { MESSAGE_STATUSES, TERMINAL_STATUSES } from '../../src/domain/message-status';
import { api, errorText } from '../api';
import { h, table } from '../dom';
import { duration, when } from '../format';

interface Campaign {
  id: string;
  name: string;
  status: string;
  counts: Record<string, number> & { total: number };
  failuresByReason: Record<string, number>;
  rate: number;
  eta: string | null;
  cost?: { total?: number };
}

// The statuses come from the domain (one list for the API's counts and this page); the funnel adds the subsets.
const FUNNEL = [...MESSAGE_STATUSES, 'recovered', 'skipped'];

/** Which lifecycle buttons a status offers (the campaign API's start / pause / resume / cancel). */
function actions(status: string): string[] {
  if (status === 'draft' || status === 'scheduled') return ['start', 'cancel'];
  if (status === 'paused') return ['resume', 'cancel'];
  if (status === 'completed' || status === 'cancelled') return [];
  return ['pause', 'cancel'];
}

function card(c: Campaign, refresh: () => void): HTMLElement {
  const done = TERMINAL_STATUSES.reduce((n, s) => n + (c.counts[s] ?? 0), 0);
  const error = h('span', { class: 'error', role: 'alert' });
  const etaSeconds = c.eta ? (Date.parse(c.eta) - Date.now()) / 1000 : null;
  return h(
    'article',
    { class: 'campaign', 'data-campaign': c.id, 'data-status': c.status },
    h('h2', {}, c.name, ' ', h('span', { class: 'badge status' }, c.status)),
    h('progress', { max: Math.max(c.counts.total, 1), value: done, 'aria-label': `${c.name} progress` }),
    h(
      'p',
      { class: 'progress-text' },
      `${done} of ${c.counts.total} finished · ${c.rate.toFixed(1)}/s · ETA ${duration(etaSeconds)} (${when(c.eta)})`,
    ),
    table(FUNNEL, [FUNNEL.map((k) => c.counts[k] ?? 0)], { class: 'funnel' }),
    Object.keys(c.failuresByReason).length
      ? table(
          ['Failure reason', 'Recipients'],
          Object.entries(c.failuresByReason).map(([r, n]) => [r, n]),
        )
      : h('p', { class: 'muted' }, 'no failures'),
    h(
      'div',
      { class: 'actions' },
      actions(c.status).map((a) =>
        h(
          'button',
          {
            type: 'button',
            'data-action': a,
            onclick: () => {
              api('POST', `/v1/campaigns/${encodeURIComponent(c.id)}/${a}`).then(refresh, (e: unknown) => {
                error.textContent = errorText(e);
              });
            },
          },
          a,
        ),
      ),
      error,
    ),
  );
}

/** Campaigns (GET /v1/campaigns) with live progress, funnel, failures, rate and ETA; polled every second. */
export async function campaignsPage(refresh: () => void): Promise<HTMLElement> {
  const { data } = await api<{ data: Campaign[] }>('GET', '/v1/campaigns?limit=50');
  return h(
    'div',
    {},
    h('h1', {}, 'Campaigns'),
    data.length ? data.map((c) => card(c, refresh)) : h('p', { class: 'muted' }, 'no campaigns yet'),
  );
}
