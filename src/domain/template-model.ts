/**
 * Meta message templates in their management format (`GET /{waba}/message_templates`), parsed into a typed
 * model, plus the send parameters of Lifeline's API and `{{n}}` / `{{name}}` hydration. Pure.
 * Component and button `type`s and header `format`s are accepted in any case.
 */
import { z } from 'zod';

const upper = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase());

const buttonSchema = z.looseObject({
  type: upper,
  text: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
  example: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .catch(undefined),
});

const componentSchema = z.looseObject({
  type: upper,
  format: upper.optional(),
  text: z.string().optional(),
  buttons: z.array(buttonSchema).optional(),
});

/** A template as Meta's management API returns it (only the fields Lifeline reads are checked). */
export const metaTemplateSchema = z.looseObject({
  name: z.string().optional(),
  language: z.string().optional(),
  category: upper.optional(),
  parameter_format: upper.optional(),
  components: z.array(componentSchema),
});
export type MetaTemplateDefinition = z.input<typeof metaTemplateSchema>;
/** What callers usually hold (e.g. the `components` JSON column): validated by `parseMetaTemplate`. */
export interface MetaTemplateLike {
  readonly name?: string;
  readonly language?: string;
  readonly category?: string;
  readonly parameter_format?: string;
  readonly components: readonly unknown[];
}

export type MediaFormat = 'IMAGE' | 'VIDEO' | 'DOCUMENT';
export type TemplateHeader =
  | { readonly format: 'TEXT'; readonly text: string }
  | { readonly format: MediaFormat }
  | { readonly format: 'LOCATION' }
  | { readonly format: 'OTHER'; readonly rawFormat: string };

/** `index` is the button's 0-based position among all buttons: the `index` of send parameters. */
export type TemplateButton =
  | { readonly type: 'QUICK_REPLY'; readonly index: number; readonly text: string }
  | { readonly type: 'URL'; readonly index: number; readonly text: string; readonly url: string }
  | { readonly type: 'PHONE_NUMBER'; readonly index: number; readonly text: string; readonly phoneNumber: string }
  | { readonly type: 'COPY_CODE'; readonly index: number; readonly example?: string }
  /** FLOW, OTP, CATALOG, MPM, SPM, VOICE_CALL, … kept so callers can decide what they support. */
  | { readonly type: 'OTHER'; readonly index: number; readonly rawType: string; readonly text?: string };

export interface TemplateModel {
  readonly name?: string;
  readonly language?: string;
  readonly category?: string;
  readonly parameterFormat: 'POSITIONAL' | 'NAMED';
  readonly header?: TemplateHeader;
  readonly body?: string;
  readonly footer?: string;
  readonly buttons: readonly TemplateButton[];
  /** Upper-cased types of components other than HEADER/BODY/FOOTER/BUTTONS (CAROUSEL, LIMITED_TIME_OFFER, …). */
  readonly otherComponents: readonly string[];
}

export type ParseTemplateResult = { ok: true; template: TemplateModel } | { ok: false; error: string };

/** Parses a management-format template; fails (never throws) on shapes Meta would not return. */
export function parseMetaTemplate(input: unknown): ParseTemplateResult {
  const parsed = metaTemplateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const t = parsed.data;
  let header: TemplateHeader | undefined;
  let body: string | undefined;
  let footer: string | undefined;
  const buttons: TemplateButton[] = [];
  const otherComponents: string[] = [];
  for (const c of t.components) {
    if (c.type === 'HEADER') {
      const format = c.format ?? 'TEXT';
      if (format === 'TEXT') {
        if (c.text === undefined) return { ok: false, error: 'TEXT header without text' };
        header = { format, text: c.text };
      } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT' || format === 'LOCATION') {
        header = { format };
      } else header = { format: 'OTHER', rawFormat: format };
    } else if (c.type === 'BODY') {
      if (c.text === undefined) return { ok: false, error: 'BODY without text' };
      body = c.text;
    } else if (c.type === 'FOOTER') {
      if (c.text !== undefined) footer = c.text;
    } else if (c.type === 'BUTTONS') {
      for (const b of c.buttons ?? []) {
        const button = toButton(b, buttons.length);
        if (typeof button === 'string') return { ok: false, error: button };
        buttons.push(button);
      }
    } else otherComponents.push(c.type);
  }
  const texts = [header?.format === 'TEXT' ? header.text : '', body ?? ''];
  const named = t.parameter_format === 'NAMED' || texts.some((s) => extractVariables(s).some((v) => !/^\d+$/.test(v)));
  return {
    ok: true,
    template: {
      ...(t.name !== undefined && { name: t.name }),
      ...(t.language !== undefined && { language: t.language }),
      ...(t.category !== undefined && { category: t.category }),
      parameterFormat: named ? 'NAMED' : 'POSITIONAL',
      ...(header && { header }),
      ...(body !== undefined && { body }),
      ...(footer !== undefined && { footer }),
      buttons,
      otherComponents,
    },
  };
}

function toButton(b: z.output<typeof buttonSchema>, index: number): TemplateButton | string {
  const missing = (field: string) => `${b.type} button ${index} without ${field}`;
  switch (b.type) {
    case 'QUICK_REPLY':
      return b.text ? { type: b.type, index, text: b.text } : missing('text');
    case 'URL':
      if (!b.url) return missing('url');
      return b.text ? { type: b.type, index, text: b.text, url: b.url } : missing('text');
    case 'PHONE_NUMBER':
      if (!b.phone_number) return missing('phone_number');
      return { type: b.type, index, text: b.text ?? '', phoneNumber: b.phone_number };
    case 'COPY_CODE': {
      const example = Array.isArray(b.example) ? b.example[0] : b.example;
      return example === undefined ? { type: b.type, index } : { type: b.type, index, example };
    }
    default:
      return { type: 'OTHER', index, rawType: b.type, ...(b.text !== undefined && { text: b.text }) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Send parameters (Lifeline API shape) and hydration

export const templateSendParametersSchema = z.object({
  header: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.enum(['image', 'video', 'document']), link: z.string(), filename: z.string().optional() }),
      z.object({
        type: z.literal('location'),
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
      }),
    ])
    .optional(),
  body: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
  buttons: z
    .array(
      z.object({
        index: z.number().int().min(0).max(9),
        /** URL suffix of a dynamic URL button, or the payload of a quick reply. */
        text: z.string().optional(),
        payload: z.string().optional(),
        couponCode: z.string().optional(),
      }),
    )
    .optional(),
});
export type TemplateSendParameters = z.infer<typeof templateSendParametersSchema>;
export type HeaderParameter = NonNullable<TemplateSendParameters['header']>;
export type ButtonParameter = NonNullable<TemplateSendParameters['buttons']>[number];

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Variable names of `text` in order of first appearance: `['1', '2']` or `['first_name']`. */
export function extractVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

export type HydrateResult = { ok: true; text: string } | { ok: false; missing: string[] };

/**
 * Replaces `{{n}}` / `{{name}}` in `text`. An array fills `{{1}}..{{n}}`, or named variables in order of first
 * appearance; a record is looked up by name (`'1'` for positional). Empty values count as missing.
 */
export function hydrate(
  text: string,
  values: readonly string[] | Readonly<Record<string, string>> | undefined,
): HydrateResult {
  const names = extractVariables(text);
  const lookup = (name: string): string | undefined => {
    if (values === undefined) return undefined;
    if (Array.isArray(values)) {
      const i = /^\d+$/.test(name) ? Number(name) - 1 : names.indexOf(name);
      return (values as readonly string[])[i];
    }
    const record = values as Readonly<Record<string, string>>;
    return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
  };
  const missing = names.filter((n) => !lookup(n));
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, text: text.replace(VARIABLE, (_m, name: string) => lookup(name) ?? '') };
}
