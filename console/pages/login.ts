import { api, errorText } from '../api';
import { h } from '../dom';

/** Sign-in: a tenant API key, exchanged for a session cookie; the key itself is never stored by the page. */
export function loginPage(onSignedIn: () => void): HTMLElement {
  const key = h('input', { type: 'password', name: 'apiKey', id: 'api-key', autocomplete: 'off', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    {
      id: 'sign-in',
      onsubmit: (e: Event) => {
        e.preventDefault();
        api('POST', '/console/session', { apiKey: key.value }).then(
          () => onSignedIn(),
          (err: unknown) => (error.textContent = errorText(err)),
        );
      },
    },
    h('h1', {}, 'Lifeline console'),
    h('label', { for: 'api-key' }, 'Tenant API key'),
    key,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  return form;
}
