import { api, ApiError, errorText, setCsrf } from './api';
import { h } from './dom';
import { analyticsPage } from './pages/analytics';
import { campaignsPage } from './pages/campaigns';
import { healthPage } from './pages/health';
import { loginPage } from './pages/login';
import { messageLookup, messagePage } from './pages/message';
import { templatesPage } from './pages/templates';

interface Session {
  tenant: { id: string; name: string };
  csrfToken: string;
  temporal: { uiUrl: string; namespace: string };
}

/** Live updates by polling (docs/console.md): the current page is fetched again this often, without a reload. */
const POLL_MS: Record<string, number> = {
  health: 1000,
  campaigns: 1000,
  messages: 2000,
  templates: 5000,
  analytics: 15000,
};
const NAV = [
  ['health', 'Health'],
  ['campaigns', 'Campaigns'],
  ['messages', 'Messages'],
  ['templates', 'Templates'],
  ['analytics', 'Analytics'],
] as const;

const root = document.getElementById('app')!;
let timer: ReturnType<typeof setTimeout> | undefined;
let generation = 0;
// Renders overlap (the poll's and a button's refresh): only one started after the last shown may replace it, so a
// slow render from before a pause can never put "running" back over "paused".
let started = 0;
let shown = 0;

function route(): { page: string; arg?: string; params: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [page = 'health', arg] = path.split('/');
  return { page: page || 'health', arg: arg ? decodeURIComponent(arg) : undefined, params: new URLSearchParams(query) };
}

async function renderPage(session: Session, content: HTMLElement, mine: number): Promise<void> {
  const r = route();
  const again = () => void renderPage(session, content, mine);
  const seq = ++started;
  let view: HTMLElement;
  try {
    if (r.page === 'campaigns') view = await campaignsPage(again);
    else if (r.page === 'messages')
      view = h('div', {}, messageLookup(), r.arg ? await messagePage(r.arg, session.temporal) : '');
    else if (r.page === 'templates') view = await templatesPage();
    else if (r.page === 'analytics') view = await analyticsPage(r.params);
    else view = await healthPage();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return void start();
    view = h('p', { class: 'error', role: 'alert' }, errorText(err));
  }
  if (mine !== generation || seq < shown) return; // the operator moved on meanwhile, or a newer render is shown
  shown = seq;
  content.replaceChildren(view);
  clearTimeout(timer);
  timer = setTimeout(again, POLL_MS[r.page] ?? 2000);
}

function shell(session: Session): void {
  const content = h('div', { id: 'content' });
  const logout = h(
    'button',
    {
      type: 'button',
      id: 'logout',
      onclick: () => void api('POST', '/console/logout').then(start, start),
    },
    'Sign out',
  );
  const nav = h(
    'nav',
    {},
    NAV.map(([id, label]) => h('a', { href: `#/${id}`, 'data-page': id }, label)),
    h('span', { class: 'tenant' }, session.tenant.name),
    logout,
  );
  root.replaceChildren(nav, content);
  const go = () => {
    generation += 1;
    clearTimeout(timer);
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === route().page);
    void renderPage(session, content, generation);
  };
  window.onhashchange = go;
  go();
}

async function start(): Promise<void> {
  generation += 1;
  clearTimeout(timer);
  window.onhashchange = null;
  try {
    const session = await api<Session>('GET', '/console/session');
    setCsrf(session.csrfToken);
    shell(session);
  } catch {
    root.replaceChildren(loginPage(() => void start()));
  }
}

void start();
