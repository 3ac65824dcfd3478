import { z } from 'zod';
import { limited, mediaObject } from './content';
import { metaIssue } from './result';

const media = mediaObject({ caption: false });
const Header = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: limited(60) }),
  z.object({ type: z.literal('image'), image: media }),
  z.object({ type: z.literal('video'), video: media }),
  z.object({ type: z.literal('document'), document: media }),
]);
const Body = z.object({ text: limited(1024) });
const Footer = z.object({ text: limited(60) });

function unique(ctx: z.RefinementCtx, values: string[], path: (string | number)[], what: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) metaIssue(ctx, [...path, i], `duplicate ${what} "${v}"`);
    seen.add(v);
  });
}

const ReplyButton = z.object({
  type: z.literal('reply'),
  reply: z.object({ id: limited(256), title: limited(20) }),
});

/** Reply buttons (§2.5, §3.1): 1-3 buttons, titles ≤ 20 and ids ≤ 256, both unique. */
const ButtonMessage = z.object({
  type: z.literal('button'),
  header: Header.optional(),
  body: Body,
  footer: Footer.optional(),
  action: z
    .object({ buttons: z.array(ReplyButton).min(1, 'at least 1 button').max(3, 'at most 3 buttons') })
    .superRefine((a, ctx) => {
      unique(
        ctx,
        a.buttons.map((b) => b.reply.id),
        ['buttons'],
        'button id',
      );
      unique(
        ctx,
        a.buttons.map((b) => b.reply.title),
        ['buttons'],
        'button title',
      );
    }),
});

const Row = z.object({ id: limited(200), title: limited(24), description: z.string().max(72).optional() });
const Section = z.object({ title: limited(24).optional(), rows: z.array(Row).min(1, 'at least 1 row').max(10) });

/** Lists (§2.6, §3.1): text header only, ≤ 10 sections and ≤ 10 rows in total, unique row ids. */
const ListMessage = z
  .object({
    type: z.literal('list'),
    header: Header.optional(),
    body: Body,
    footer: Footer.optional(),
    action: z.object({ button: limited(20), sections: z.array(Section).min(1).max(10, 'at most 10 sections') }),
  })
  .superRefine((m, ctx) => {
    if (m.header && m.header.type !== 'text')
      metaIssue(ctx, ['header', 'type'], 'list messages take a text header only');
    const rows = m.action.sections.flatMap((s) => s.rows);
    if (rows.length > 10) metaIssue(ctx, ['action', 'sections'], `at most 10 rows in total (got ${rows.length})`);
    unique(
      ctx,
      rows.map((r) => r.id),
      ['action', 'sections', 'rows'],
      'row id',
    );
    if (m.action.sections.length > 1) {
      m.action.sections.forEach((s, i) => {
        if (!s.title)
          metaIssue(ctx, ['action', 'sections', i, 'title'], 'required when there are several sections', 131008);
      });
    }
  });

/** CTA URL (§2.7): one button, display text ≤ 20, a URL. */
const CtaUrlMessage = z.object({
  type: z.literal('cta_url'),
  header: Header.optional(),
  body: Body,
  footer: Footer.optional(),
  action: z.object({
    name: z.literal('cta_url'),
    parameters: z.object({ display_text: limited(20), url: z.url({ protocol: /^https?$/ }) }),
  }),
});

export const INTERACTIVE_SCHEMAS: Record<string, z.ZodType> = {
  button: ButtonMessage,
  list: ListMessage,
  cta_url: CtaUrlMessage,
};

export type InteractiveMessage =
  z.infer<typeof ButtonMessage> | z.infer<typeof ListMessage> | z.infer<typeof CtaUrlMessage>;
