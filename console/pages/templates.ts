import { api } from '../api';
import { h, table, verdictBadge } from '../dom';

interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  qualityScore: string;
  health: { verdict: string };
}

/** Every page of a /v1 list (the shared cursor pagination). */
async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: T[]; nextCursor: string | null } = await api(
      'GET',
      `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Templates across WABAs: one row per name and language, one cell per WABA with its approval status and quality. */
export async function templatesPage(): Promise<HTMLElement> {
  const templates = await all<Template>('/v1/templates');
  const wabas = [...new Set(templates.map((t) => t.wabaId))].sort();
  const byKey = new Map<string, Map<string, Template>>();
  for (const t of templates) {
    const key = `${t.name}/${t.language}`;
    if (!byKey.has(key)) byKey.set(key, new Map());
    byKey.get(key)!.set(t.wabaId, t);
  }
  const rows = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return h(
    'div',
    {},
    h('h1', {}, 'Templates'),
    table(
      ['Template', 'Category', ...wabas.map((w) => `WABA ${w}`)],
      rows.map(([key, members]) => [
        key,
        [...members.values()][0]?.category,
        ...wabas.map((w) => {
          const t = members.get(w);
          return t
            ? h(
                'span',
                {},
                h('span', { class: 'badge status' }, t.status),
                ` quality ${t.qualityScore} `,
                verdictBadge(t.health.verdict),
              )
            : '–';
        }),
      ]),
      { id: 'templates' },
    ),
  );
}
