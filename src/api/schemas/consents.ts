import { z } from 'zod';
import { GIVEN_CHANNELS } from '../../db/repositories/consent-records';

const EARLIEST = Date.UTC(2009, 0, 1); // WhatsApp did not exist before
const SKEW_MS = 5 * 60_000;

/** When the customer gave or withdrew consent: an ISO time, not in the future (5 min of clock skew allowed). */
export const consentTime = z.iso
  .datetime({ offset: true })
  .refine((s) => Date.parse(s) >= EARLIEST && Date.parse(s) <= Date.now() + SKEW_MS, 'must be a past time');

/** A new record names its channel (`unspecified` is only what older records say). */
export const consentChannel = z.enum(GIVEN_CHANNELS);

export const consentsQuery = z
  .object({
    /** The previous page's `nextCursor`. */
    cursor: z
      .string()
      .regex(/^\d{1,15}$/, 'not a cursor returned by this endpoint')
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();
