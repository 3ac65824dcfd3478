import { z } from 'zod';
import { TemplateCategory, type TemplateComponent } from '../scenario/accounts-schema';
import { templateVariables } from '../validation/template-text';

/**
 * `POST /{waba}/message_templates` and `POST /{template}` bodies in Meta's creation format. Authentication
 * templates carry no text of their own: `add_security_recommendation`, `code_expiration_minutes` and an OTP
 * button, which Meta turns into its fixed wording (see `expandAuthentication`).
 */
const upper = z.string().transform((s) => s.toUpperCase());

const Example = z
  .object({
    header_text: z.array(z.string()).optional(),
    header_handle: z.array(z.string()).optional(),
    body_text: z.array(z.array(z.string())).optional(),
    body_text_named_params: z.array(z.object({ param_name: z.string(), example: z.string() })).optional(),
  })
  .loose();

const Button = z
  .object({
    type: upper,
    text: z.string().optional(),
    url: z.string().optional(),
    phone_number: z.string().optional(),
    example: z.union([z.string(), z.array(z.string())]).optional(),
    otp_type: upper.optional(),
    autofill_text: z.string().optional(),
    supported_apps: z.array(z.object({ package_name: z.string(), signature_hash: z.string() })).optional(),
  })
  .loose();

export const CreateComponentSchema = z
  .object({
    type: upper,
    format: upper.optional(),
    text: z.string().optional(),
    example: Example.optional(),
    buttons: z.array(Button).optional(),
    add_security_recommendation: z.boolean().optional(),
    code_expiration_minutes: z.number().int().optional(),
  })
  .loose();
export type CreateComponent = z.infer<typeof CreateComponentSchema>;

export const CreateTemplateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores, at most 512'),
  language: z.string().min(2).max(15),
  category: upper.pipe(TemplateCategory),
  components: z.array(CreateComponentSchema).min(1),
  parameter_format: upper.pipe(z.enum(['POSITIONAL', 'NAMED'])).optional(),
  allow_category_change: z.boolean().optional(),
  message_send_ttl_seconds: z.number().int().optional(),
});
export type CreateTemplateRequest = z.infer<typeof CreateTemplateSchema>;

export const EditTemplateSchema = z
  .object({
    category: upper.pipe(TemplateCategory).optional(),
    components: z.array(CreateComponentSchema).min(1).optional(),
  })
  .refine((b) => b.category !== undefined || b.components !== undefined, 'give components and/or category');

const AUTH_BODY = '*{{1}}* is your verification code.';
const SECURITY = ' For your security, do not share this code.';

/** Meta's stored form of an OTP button: a URL button whose `{{1}}` is the code (sent as a `url` parameter). */
function otpButton(b: z.infer<typeof Button>): Record<string, unknown> {
  const otpType = b.otp_type ?? 'COPY_CODE';
  return {
    type: 'URL',
    text: b.text ?? (otpType === 'ONE_TAP' ? 'Autofill' : 'Copy code'),
    url: `https://www.whatsapp.com/otp/code/?otp_type=${otpType}&code=otp{{1}}`,
  };
}

/** Authentication components → what Meta stores and returns: fixed body and footer wording, OTP as URL button. */
export function expandAuthentication(components: readonly CreateComponent[]): Record<string, unknown>[] {
  return components.map((c) => {
    if (c.type === 'BODY') {
      return { type: 'BODY', text: AUTH_BODY + (c.add_security_recommendation ? SECURITY : '') };
    }
    if (c.type === 'FOOTER' && c.code_expiration_minutes !== undefined) {
      return { type: 'FOOTER', text: `This code expires in ${c.code_expiration_minutes} minutes.` };
    }
    if (c.type === 'BUTTONS') {
      return { type: 'BUTTONS', buttons: (c.buttons ?? []).map((b) => (b.type === 'OTP' ? otpButton(b) : b)) };
    }
    return c;
  });
}

/**
 * Meta's own checks on a submission beyond shape (error 100 with `error_user_msg`): every variable needs an
 * example, and authentication templates need their OTP button. Returns the problem, or undefined.
 */
export function submissionProblem(
  req: CreateTemplateRequest,
  stored: readonly TemplateComponent[],
): string | undefined {
  const authored = (type: string) => req.components.find((c) => c.type === type);
  if (req.category === 'AUTHENTICATION') {
    const otp = (authored('BUTTONS')?.buttons ?? []).filter((b) => b.type === 'OTP');
    if (otp.length !== 1) return 'components.BUTTONS: authentication templates need exactly one OTP button';
    return undefined;
  }
  const body = authored('BODY');
  const bodyVars = templateVariables(body?.text);
  const examples = body?.example?.body_text?.[0] ?? body?.example?.body_text_named_params?.map((p) => p.example);
  if (bodyVars.length > 0 && (examples?.length ?? 0) !== bodyVars.length) {
    return `components.BODY.example: ${bodyVars.length} variable(s) need as many examples`;
  }
  const header = authored('HEADER');
  if (header?.format === 'TEXT' && templateVariables(header.text).length > 0 && !header.example?.header_text?.length) {
    return 'components.HEADER.example.header_text: the header variable needs an example';
  }
  if (
    header &&
    ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(header.format ?? '') &&
    !header.example?.header_handle?.length
  ) {
    return 'components.HEADER.example.header_handle: a media header needs a sample (header_handle)';
  }
  return stored.length === 0 ? 'components: empty' : undefined;
}
