import { Router } from 'express';
import { z } from 'zod';
import type { ContactsRepo } from '../../db/repositories/contacts';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
import { parse } from '../validate';

const waIdParams = z.object({
  waId: z
    .string()
    .regex(/^\+?[1-9]\d{6,14}$/, 'must be a phone number in international format')
    .transform((s) => s.replace(/^\+/, '')),
});
export const optInBody = z
  .object({ source: z.string().min(1).max(200), proof: z.string().max(2000).optional() })
  .strict();
export const optOutBody = z.object({ source: z.string().min(1).max(200).default('api') }).strict();

/** Consent: opt-in before business-initiated messages; opt-out is brand-wide and immediate. */
export function contactsRouter(deps: { contacts: ContactsRepo }): Router {
  const router = Router();
  router.post('/:waId/opt-in', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const body = parse(req, 'body', optInBody);
    res.json(await deps.contacts.optIn(tenantOf(res).id, waId, body.source, body.proof));
  });
  router.post('/:waId/opt-out', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const body = parse(req, 'body', optOutBody);
    res.json(await deps.contacts.optOut(tenantOf(res).id, waId, body.source));
  });
  router.get('/:waId', async (req, res) => {
    const { waId } = parse(req, 'params', waIdParams);
    const contact = await deps.contacts.get(tenantOf(res).id, waId);
    if (!contact) throw notFound('contact');
    res.json(contact);
  });
  return router;
}
