import { z } from 'zod';
import { SESSION_LIMITS as L } from '../../domain/session-builder/limits';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a person will read: not blank, no NUL, no lone surrogate (Meta rejects or mangles them). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine((s) => !s.includes('\u0000') && !LONE_SURROGATE.test(s), 'must not contain NUL or unpaired surrogates');

const https = z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2000);
const media = z.enum(['image', 'video', 'document']);
const header = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: text(L.headerText) }).strict(),
  z.object({ type: media, link: https }).strict(),
]);

/** Reports the second of two items with the same `field` (Meta wants button ids and titles unique). */
function unique<T extends Record<K, string>, K extends string>(field: K) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item[field]))
        ctx.addIssue({ code: 'custom', path: [i, field], message: `duplicate ${field} "${item[field]}"` });
      seen.add(item[field]);
    });
  };
}

const replyButton = z.object({ id: text(L.replyId), title: text(L.replyTitle) }).strict();
const buttons = z.array(replyButton).min(1).max(L.replyButtons).superRefine(unique('id')).superRefine(unique('title'));

const row = z
  .object({ id: text(L.rowId), title: text(L.rowTitle), description: text(L.rowDescription).optional() })
  .strict();
const section = z.object({ title: text(L.rowTitle).optional(), rows: z.array(row).min(1).max(L.listRows) }).strict();
const sections = z
  .array(section)
  .min(1)
  .max(L.listRows)
  .superRefine((list, ctx) => {
    const rows = list.flatMap((s) => s.rows);
    if (rows.length > L.listRows)
      ctx.addIssue({ code: 'custom', message: `at most ${L.listRows} rows in all sections together` });
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (list.length > 1 && !s.title)
        ctx.addIssue({ code: 'custom', path: [i, 'title'], message: 'required when there is more than one section' });
      s.rows.forEach((r, j) => {
        if (seen.has(r.id))
          ctx.addIssue({ code: 'custom', path: [i, 'rows', j, 'id'], message: `duplicate row id "${r.id}"` });
        seen.add(r.id);
      });
    });
  });

/** Who sends it and how it is deduplicated: the same for every message type. */
const common = {
  /** The human who answers (recorded on the customer's open escalations with the time of the answer). */
  agent: text(200).optional(),
  /** The escalation this answers; default: every open escalation of the customer. */
  escalationId: z.uuid().optional(),
  idempotencyKey: text(200).optional(),
};

/** POST /v1/conversations/:waId/messages: a free-form session message, within WhatsApp's limits. */
export const sessionMessageBodySchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('text'), text: text(L.textBody), previewUrl: z.boolean().default(false), ...common })
    .strict(),
  z.object({ type: z.literal('image'), link: https, caption: text(L.caption).optional(), ...common }).strict(),
  z.object({ type: z.literal('video'), link: https, caption: text(L.caption).optional(), ...common }).strict(),
  z
    .object({
      type: z.literal('document'),
      link: https,
      caption: text(L.caption).optional(),
      filename: text(240).optional(),
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('buttons'),
      header: header.optional(),
      body: text(L.interactiveBody),
      footer: text(L.footer).optional(),
      buttons,
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('list'),
      // Lists take no media header.
      header: z
        .object({ type: z.literal('text'), text: text(L.headerText) })
        .strict()
        .optional(),
      body: text(L.interactiveBody),
      footer: text(L.footer).optional(),
      button: text(L.listButton),
      sections,
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('cta_url'),
      header: header.optional(),
      body: text(L.interactiveBody),
      footer: text(L.footer).optional(),
      displayText: text(L.ctaDisplayText),
      url: https,
      ...common,
    })
    .strict(),
]);

export type SessionMessageBody = z.infer<typeof sessionMessageBodySchema>;

export const threadQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The previous page's `nextCursor`: older entries. */
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
