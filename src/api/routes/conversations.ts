import { Router } from 'express';
import type { ContactsRepo } from '../../db/repositories/contacts';
import type { ConversationsRepo, ThreadEntry } from '../../db/repositories/conversations';
import { windowsOf } from '../../domain/conversations/service-window';
import { isoDateTime } from '../../domain/safe-input';
import type { SessionMessages } from '../../services/conversations/session-messages';
import { tenantOf } from '../auth';
import { HttpError } from '../errors';
import { sessionMessageBodySchema, threadQuery } from '../schemas/conversations';
import { parse } from '../validate';
import { waIdParams } from './contacts';

/** The opaque cursor of a thread page: the (time, id) of the last entry shown. */
const encodeCursor = (e: ThreadEntry) =>
  Buffer.from(JSON.stringify({ at: new Date(e.at).toISOString(), id: e.id })).toString('base64url');

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    // Bounded like every time and id the API takes (docs/security.md, "Hostile input").
    const at = isoDateTime.safeParse(v.at);
    if (at.success && typeof v.id === 'string' && v.id.length <= 100) {
      return { at: at.data, id: v.id };
    }
  } catch {
    // reported below
  }
  throw new HttpError(400, 'validation_failed', 'invalid query', [
    { field: 'query.cursor', message: 'not a cursor returned by this endpoint' },
  ]);
}

/** Conversations (docs/conversations.md): free-form session messages inside the 24 h window, and the thread. */
export function conversationsRouter(deps: {
  sessions: SessionMessages;
  conversations: ConversationsRepo;
  contacts: ContactsRepo;
  now: () => number;
}): Router {
  const router = Router();

  router.post('/:waId/messages', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const body = parse(req, 'body', sessionMessageBodySchema);
    if (body.escalationId && !body.agent) {
      throw new HttpError(400, 'validation_failed', 'invalid body', [
        { field: 'body.agent', message: 'required with escalationId: an escalation records who answered' },
      ]);
    }
    const sent = await deps.sessions.send(tenantOf(res), waId, body);
    res.status(202).location(`/v1/messages/${sent.id}`).json({
      id: sent.id,
      status: sent.status,
      created: sent.created,
      from: sent.phoneNumberId,
      windowClosesAt: sent.windowClosesAt,
      escalationsAnswered: sent.escalationsAnswered,
    });
  });

  router.get('/:waId', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const q = parse(req, 'query', threadQuery);
    const tenant = tenantOf(res);
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const [contact, entries] = await Promise.all([
      deps.contacts.get(tenant.id, waId),
      deps.conversations.thread(tenant.id, waId, { limit: q.limit, before }),
    ]);
    const windows = windowsOf(contact?.lastInbound ?? {}, deps.now());
    res.json({
      waId,
      windows,
      replyFrom: windows[0]?.open ? windows[0].phoneNumberId : null,
      thread: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      nextCursor: entries.length === q.limit ? encodeCursor(entries[entries.length - 1]!) : null,
    });
  });

  return router;
}
