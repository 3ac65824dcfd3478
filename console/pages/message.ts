import { api } from '../api';
import { h, table, type Child } from '../dom';
import { when } from '../format';

interface Attempt {
  attemptId: string;
  kind: string;
  wabaId: string | null;
  phoneNumberId: string;
  templateName?: string | null;
  wamid: string | null;
  outcome: string;
  errorCode: number | null;
  at: string;
}
/** A timeline event: its type and time, with its data alongside (as GET /v1/messages/:id answers). */
type TimelineEvent = { type: string; at: string } & Record<string, unknown>;
interface Message {
  id: string;
  status: string;
  workflowId: string;
  attempts: Attempt[];
  timeline: TimelineEvent[];
  cost?: { total?: number; currency?: string };
  failure?: { reason: string; code?: number };
  deliveredVia?: { kind: string; wabaId: string | null; phoneNumberId: string };
}
interface Explanation {
  candidates: number;
  eligible: number;
  chosen: { wabaId: string; phoneNumberId: string; templateId: string; why: string } | null;
  rejected: { total: number; byReason: Record<string, number> };
}

const FALLBACK_EVENTS = new Set([
  'fallback_started',
  'consent_asked',
  'consent_granted',
  'session_sent',
  'declined',
  'expired',
]);

/** What a timeline event says, in words: the resolver's choice and reasons, a failure, a fallback step. */
function describe(e: TimelineEvent): Child {
  const x = e.explanation as Explanation | undefined;
  if (x && (e.type === 'resolved' || e.type === 'no_combination')) {
    const rejected = Object.entries(x.rejected.byReason)
      .map(([r, n]) => `${r} ×${n}`)
      .join(', ');
    return h(
      'div',
      { class: 'decision' },
      x.chosen
        ? h(
            'p',
            {},
            `chose WABA ${x.chosen.wabaId}, number ${x.chosen.phoneNumberId}, template ${x.chosen.templateId}: ${x.chosen.why}`,
          )
        : h('p', {}, 'no healthy combination'),
      h(
        'p',
        { class: 'muted' },
        `${x.eligible} of ${x.candidates} candidates eligible${rejected ? `; rejected: ${rejected}` : ''}`,
      ),
    );
  }
  const failure = e.failure as { reason?: string; code?: number } | undefined;
  if (failure) return `${failure.reason ?? ''}${failure.code ? ` (${failure.code})` : ''}`;
  const { type: _type, at: _at, ...data } = e;
  return h('code', {}, JSON.stringify(data));
}

/** A message's story (GET /v1/messages/:id): attempts, routing decisions, fallback steps, cost, its workflow. */
export async function messagePage(id: string, temporal: { uiUrl: string; namespace: string }): Promise<HTMLElement> {
  const m = await api<Message>('GET', `/v1/messages/${encodeURIComponent(id)}`);
  const workflowUrl = `${temporal.uiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(m.workflowId)}`;
  return h(
    'div',
    { class: 'story', 'data-message': m.id },
    h('h1', {}, 'Message ', h('code', {}, m.id)),
    h(
      'p',
      {},
      'status ',
      h('span', { class: 'badge status', id: 'message-status' }, m.status),
      m.failure ? ` · failed: ${m.failure.reason}` : '',
      m.deliveredVia ? ` · delivered via ${m.deliveredVia.kind} on ${m.deliveredVia.phoneNumberId}` : '',
      ` · cost ${m.cost?.total ?? 0} ${m.cost?.currency ?? 'USD'} · `,
      h(
        'a',
        { href: workflowUrl, target: '_blank', rel: 'noopener noreferrer', id: 'workflow-link' },
        'workflow in Temporal',
      ),
    ),
    h('h2', {}, 'Attempts'),
    table(
      ['#', 'When', 'Kind', 'WABA', 'Number', 'Template', 'wamid', 'Outcome', 'Error'],
      m.attempts.map((a, i) => [
        i + 1,
        when(a.at),
        a.kind,
        a.wabaId,
        a.phoneNumberId,
        a.templateName,
        a.wamid,
        a.outcome,
        a.errorCode,
      ]),
      { id: 'attempts' },
    ),
    h('h2', {}, 'Timeline'),
    h(
      'ol',
      { class: 'timeline', id: 'timeline' },
      m.timeline.map((e) =>
        h(
          'li',
          { class: FALLBACK_EVENTS.has(e.type) ? 'fallback' : '' },
          h('strong', {}, e.type),
          ` ${when(e.at)} `,
          describe(e),
        ),
      ),
    ),
  );
}

/** The message picker: an id typed in opens its story. */
export function messageLookup(): HTMLElement {
  const input = h('input', { id: 'message-id', name: 'id', placeholder: 'message id', required: true });
  return h(
    'form',
    {
      class: 'lookup',
      onsubmit: (e: Event) => {
        e.preventDefault();
        location.hash = `#/messages/${encodeURIComponent(input.value.trim())}`;
      },
    },
    input,
    h('button', { type: 'submit' }, 'Open story'),
  );
}
