import { z } from 'zod';
import { metaIssue } from './result';

/** A required, non-empty string of at most `max` characters (JS length, as Meta's SDKs count). */
export const limited = (max: number): z.ZodString =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** `id` (uploaded media) or `link` (public URL), exactly one (§2.3). */
export const mediaObject = (options: { caption: boolean }) =>
  z
    .object({
      id: z.string().min(1).optional(),
      link: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      caption: z.string().max(1024, 'must be at most 1024 characters').optional(),
      filename: z.string().min(1).optional(),
    })
    .superRefine((m, ctx) => {
      if (m.id === undefined && m.link === undefined) metaIssue(ctx, [], 'one of id or link is required', 131008);
      if (m.id !== undefined && m.link !== undefined) metaIssue(ctx, [], 'only one of id or link may be given');
      if (!options.caption && m.caption !== undefined) metaIssue(ctx, ['caption'], 'caption is not supported here');
    });

export const TextSchema = z.object({ body: limited(4096), preview_url: z.boolean().optional() });

const captioned = mediaObject({ caption: true });
const uncaptioned = mediaObject({ caption: false });

/** Free-form content objects other than text and interactive, by message type. */
export const CONTENT_SCHEMAS: Record<string, z.ZodType> = {
  text: TextSchema,
  image: captioned,
  video: captioned,
  document: captioned,
  audio: uncaptioned,
  sticker: uncaptioned,
  location: z.object({
    latitude: z.coerce.number().min(-90).max(90),
    longitude: z.coerce.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  contacts: z.array(z.object({ name: z.object({ formatted_name: z.string().min(1) }) }).loose()).min(1),
  reaction: z.object({ message_id: z.string().min(1), emoji: z.string() }),
};
