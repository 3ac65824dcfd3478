/**
 * `POST /v1/templates`: a logical template in Meta's creation format (docs/templates.md). The shapes live here;
 * Meta's rules across fields (placeholders, examples, button kinds and counts, the category's constraints) are
 * in rules.ts and run as one refinement, so every broken rule is reported with the field it concerns.
 */
import { z } from 'zod';
import { checkTemplateRules } from './rules';

const upper = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(values));

export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
export const LOCALE = /^[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?$/;
export const AUTHORING_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type AuthoringCategory = (typeof AUTHORING_CATEGORIES)[number];

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const exampleSchema = z
  .object({
    header_text: z.array(text(60)).max(1).optional(),
    header_handle: z.array(text(2000)).max(1).optional(),
    body_text: z
      .array(z.array(text(1024)).max(100))
      .max(1)
      .optional(),
    body_text_named_params: z
      .array(z.object({ param_name: z.string(), example: text(1024) }).strict())
      .max(100)
      .optional(),
    header_text_named_params: z
      .array(z.object({ param_name: z.string(), example: text(60) }).strict())
      .max(1)
      .optional(),
  })
  .strict();

const supportedApp = z
  .object({
    package_name: z
      .string()
      .max(224, 'at most 224 characters')
      .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/, 'must be an Android package name (com.example.app)'),
    signature_hash: z.string().regex(/^[A-Za-z0-9+/]{11}$/, 'must be the 11-character app signature hash'),
  })
  .strict();

const buttonSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('QUICK_REPLY'), text: text(25) }).strict(),
    z
      .object({
        type: z.literal('URL'),
        text: text(25),
        url: z
          .string()
          .max(2000, 'at most 2000 characters')
          .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
        example: z.array(text(2000)).max(1).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('PHONE_NUMBER'),
        text: text(25),
        phone_number: z.string().regex(/^\+?[1-9]\d{6,19}$/, 'must be an international number (at most 20 digits)'),
      })
      .strict(),
    z.object({ type: z.literal('COPY_CODE'), example: text(15) }).strict(),
    z
      .object({
        type: z.literal('OTP'),
        otp_type: upper(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP']),
        text: text(25).optional(),
        autofill_text: text(25).optional(),
        supported_apps: z.array(supportedApp).min(1).max(5).optional(),
        zero_tap_terms_accepted: z.boolean().optional(),
      })
      .strict(),
  ],
  { error: 'type must be one of QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP' },
);
export type AuthoringButton = z.infer<typeof buttonSchema>;

/** Component and button `type`s in any case, as Meta accepts them; stored upper-cased. */
const typeUpperCased = (v: unknown) =>
  v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string'
    ? { ...v, type: (v as { type: string }).type.trim().toUpperCase() }
    : v;

const componentSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('HEADER'),
        format: upper(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']),
        text: text(60).optional(),
        example: exampleSchema.optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('BODY'),
        text: text(1024).optional(),
        example: exampleSchema.optional(),
        add_security_recommendation: z.boolean().optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('FOOTER'),
        text: text(60).optional(),
        code_expiration_minutes: z.number().int().min(1, 'at least 1').max(90, 'at most 90').optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('BUTTONS'),
        buttons: z
          .array(z.preprocess(typeUpperCased, buttonSchema))
          .min(1, 'at least 1 button')
          .max(10, 'at most 10 buttons'),
      })
      .strict(),
  ],
  { error: 'type must be one of HEADER, BODY, FOOTER, BUTTONS' },
);
export type AuthoringComponent = z.infer<typeof componentSchema>;

const componentsSchema = z
  .array(z.preprocess(typeUpperCased, componentSchema))
  .min(1, 'at least a BODY')
  .max(4, 'at most HEADER, BODY, FOOTER and BUTTONS');

const graphId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a Meta object id');

const contentFields = {
  category: upper(AUTHORING_CATEGORIES),
  components: componentsSchema,
  parameterFormat: upper(['POSITIONAL', 'NAMED']).optional(),
  /** The WABAs to submit to (default: every WABA of the tenant), in preference order. */
  wabaIds: z
    .array(graphId)
    .min(1)
    .max(200)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a WABA')
    .optional(),
};

export const authorTemplateBodySchema = z
  .object({
    name: z.string().regex(TEMPLATE_NAME, 'lowercase letters, digits and underscores, at most 512'),
    language: z.string().regex(LOCALE, 'must be a WhatsApp locale such as en or en_US'),
    ...contentFields,
  })
  .strict()
  .superRefine(checkTemplateRules);
export type AuthorTemplateBody = z.infer<typeof authorTemplateBodySchema>;

/** An edit (`PUT /v1/templates/:key`): new content for the same name and language, resubmitted where needed. */
export const editTemplateBodySchema = z.object(contentFields).strict().superRefine(checkTemplateRules);
export type EditTemplateBody = z.infer<typeof editTemplateBodySchema>;

/** What rules.ts checks: the content of a template. */
export type TemplateContent = Pick<AuthorTemplateBody, 'category' | 'components' | 'parameterFormat'>;
