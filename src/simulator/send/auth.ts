import { GraphError } from '../errors/graph-error';
import { type Store } from '../state/store';

/**
 * The WABAs a bearer token grants (a system-user token may serve several). Missing, unknown or expired
 * tokens answer 190 (401); expired ones with subcode 463, as Meta.
 */
export function authenticate(store: Store, authorization: string | undefined): Set<string> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token) {
    throw new GraphError(190, undefined, {
      message: 'An active access token must be used to query information about the current user.',
    });
  }
  const wabas = [...store.wabas.values()].filter((w) => w.accessToken === token);
  if (wabas.length === 0) {
    throw new GraphError(190, undefined, { message: 'Invalid OAuth access token - Cannot parse access token' });
  }
  const live = wabas.filter((w) => !w.tokenExpired);
  if (live.length === 0) {
    throw new GraphError(190, undefined, {
      subcode: 463,
      message: 'Error validating access token: Session has expired.',
    });
  }
  return new Set(live.map((w) => w.id));
}
