import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { ANALYTICS_GROUPS, type DeliveryFunnel } from '../../src/domain/delivery-funnel';
import { api } from '../api';
import { h, table } from '../dom';
import { pct } from '../format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

let chart: Chart | undefined;

/** Delivery analytics (GET /v1/analytics/delivery) as a chart and a table, for the chosen window and grouping. */
export async function analyticsPage(params: URLSearchParams): Promise<HTMLElement> {
  const to = params.get('to') ?? new Date(Date.now() + 3_600_000).toISOString();
  const from = params.get('from') ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
  const groupBy = params.get('groupBy') ?? 'day';
  const q = new URLSearchParams({ from, to, groupBy, limit: '200' });
  const { data } = await api<{ data: DeliveryFunnel[] }>('GET', `/v1/analytics/delivery?${q.toString()}`);

  const select = h(
    'select',
    { name: 'groupBy', id: 'group-by' },
    ANALYTICS_GROUPS.map((g) => h('option', { value: g, selected: g === groupBy }, g)),
  );
  const form = h(
    'form',
    {
      class: 'lookup',
      onsubmit: (e: Event) => {
        e.preventDefault();
        location.hash = `#/analytics?${new URLSearchParams({ from, to, groupBy: select.value }).toString()}`;
      },
    },
    h('span', {}, `${new Date(from).toLocaleString()} – ${new Date(to).toLocaleString()} by `),
    select,
    h('button', { type: 'submit' }, 'Show'),
  );
  const canvas = h('canvas', { id: 'delivery-chart', 'aria-label': 'delivery funnel chart', role: 'img' });
  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.map((d) => d.key || '(none)'),
      datasets: [
        { label: 'delivered', data: data.map((d) => d.delivered - d.read), stack: 'a' },
        { label: 'read', data: data.map((d) => d.read), stack: 'a' },
        { label: 'failed', data: data.map((d) => d.failed), stack: 'a' },
        { label: 'recovered by fallback', data: data.map((d) => d.recoveredByFallback), stack: 'b' },
      ],
    },
    options: { animation: false, responsive: true, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  return h(
    'div',
    {},
    h('h1', {}, 'Delivery analytics'),
    form,
    h('div', { class: 'chart' }, canvas),
    table(
      [
        'Group',
        'Accepted',
        'Sent',
        'Delivered',
        'Read',
        'Failed',
        'Failures by reason',
        'Recovered',
        'Failovers',
        'Cost (USD)',
        'Delivery rate',
        'Read rate',
      ],
      data.map((d) => [
        d.key || '(none)',
        d.accepted,
        d.sent,
        d.delivered,
        d.read,
        d.failed,
        Object.entries(d.failedByReason)
          .map(([r, n]) => `${r} ${n}`)
          .join(', '),
        d.recoveredByFallback,
        d.failovers,
        d.cost,
        pct(d.rates.delivery),
        pct(d.rates.read),
      ]),
      { id: 'analytics' },
    ),
  );
}
