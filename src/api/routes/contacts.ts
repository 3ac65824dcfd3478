import { Router } from 'express';
import { z } from 'zod';
import type { ConsentRecordsRepo } from '../../db/repositories/consent-records';
import type { ContactsRepo } from '../../db/repositories/contacts';
import { safeText } from '../../domain/safe-input';
import type { OptOut } from '../../services/opt-out';
import { tenantOf } from '../auth';
import { waIdSchema } from '../schemas/common';
import { notFound } from '../errors';
import { consentChannel, consentTime } from '../schemas/consents';
import { parse } from '../validate';

export const waIdParams = z.object({ waId: waIdSchema });

/**
 * An opt-in that proves itself (docs/conversations.md, "Consent records"): the wording the customer agreed to,
 * the channel, when, where it was shown (`sourceRef`: page, form and version) and proof. `{ source }` alone is
 * the older form, still accepted, recorded with channel `unspecified`.
 */
export const optInBody = z
  .object({
    channel: consentChannel.optional(),
    wording: z.string().trim().pipe(safeText(2000)).optional(),
    sourceRef: safeText(500).optional(),
    proof: safeText(2000, 0).optional(),
    at: consentTime.optional(),
    source: safeText(200).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.channel === undefined && b.source === undefined) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'required: where the customer opted in' });
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'or, in the older form, required' });
    }
    if (b.channel !== undefined && b.wording === undefined)
      ctx.addIssue({ code: 'custom', path: ['wording'], message: 'required: the consent text the customer agreed to' });
  });

export const optOutBody = z
  .object({
    channel: consentChannel.default('api'),
    keyword: safeText(100).optional(),
    at: consentTime.optional(),
    source: safeText(200).default('api'),
  })
  .strict();

/**
 * Consent: opt-in before business-initiated messages; opt-out is brand-wide, immediate, and cancels what is in
 * flight; both keep a history.
 */
export function contactsRouter(deps: { contacts: ContactsRepo; consents: ConsentRecordsRepo; optOut: OptOut }): Router {
  const router = Router();
  router.post('/:waId/opt-in', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const b = parse(req, 'body', optInBody);
    const { contact, record } = await deps.consents.optIn({
      tenantId: tenantOf(res).id,
      waId,
      ...b,
      channel: b.channel ?? 'unspecified',
    });
    res.json({ ...contact, record });
  });
  router.post('/:waId/opt-out', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const b = parse(req, 'body', optOutBody);
    const { contact, record } = await deps.optOut({ tenantId: tenantOf(res).id, waId, ...b });
    res.json({ ...contact, record });
  });
  router.get('/:waId', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const tenantId = tenantOf(res).id;
    const [contact, consents] = await Promise.all([
      deps.contacts.get(tenantId, waId),
      deps.consents.history(tenantId, waId),
    ]);
    if (!contact && consents.length === 0) throw notFound('contact');
    res.json({ ...contact, waId, consents });
  });
  return router;
}
