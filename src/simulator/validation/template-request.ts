import { z } from 'zod';
import { mediaObject } from './content';
import { metaIssue } from './result';

const lower = (values: readonly [string, ...string[]]) =>
  z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(values));

const media = mediaObject({ caption: false });
const named = { parameter_name: z.string().min(1).optional() };

/** One template parameter (§2.4). */
export const TemplateParamSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), ...named }),
  z.object({
    type: z.literal('currency'),
    currency: z.object({ fallback_value: z.string(), code: z.string().length(3), amount_1000: z.number().int() }),
    ...named,
  }),
  z.object({ type: z.literal('date_time'), date_time: z.object({ fallback_value: z.string() }).loose(), ...named }),
  z.object({ type: z.literal('image'), image: media }),
  z.object({ type: z.literal('video'), video: media }),
  z.object({ type: z.literal('document'), document: media }),
  z.object({
    type: z.literal('location'),
    location: z.object({
      latitude: z.coerce.number(),
      longitude: z.coerce.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('payload'), payload: z.string().max(256) }),
  z.object({ type: z.literal('coupon_code'), coupon_code: z.string().min(1).max(20) }),
  z.object({ type: z.literal('action'), action: z.record(z.string(), z.unknown()) }),
]);
export type TemplateParam = z.infer<typeof TemplateParamSchema>;

export const TemplateRequestComponentSchema = z
  .object({
    type: lower(['header', 'body', 'button', 'footer']),
    sub_type: lower(['quick_reply', 'url', 'copy_code', 'catalog', 'flow', 'voice_call']).optional(),
    index: z
      .union([z.string().regex(/^\d$/, 'must be "0"-"9"'), z.number().int().min(0).max(9)])
      .transform(Number)
      .optional(),
    parameters: z.array(TemplateParamSchema).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.type !== 'button') return;
    if (c.sub_type === undefined) metaIssue(ctx, ['sub_type'], 'required for button components', 131008);
    if (c.index === undefined) metaIssue(ctx, ['index'], 'required for button components', 131008);
  });
export type TemplateRequestComponent = z.infer<typeof TemplateRequestComponentSchema>;

/** The `template` object of a send. */
export const TemplateRequestSchema = z.object({
  name: z.string().min(1),
  language: z.object({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
  components: z.array(TemplateRequestComponentSchema).default([]),
});
export type TemplateRequest = z.infer<typeof TemplateRequestSchema>;
