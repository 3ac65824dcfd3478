import type { SendParameters } from './send-parameters';

interface ButtonDef {
  type?: string;
  text?: string;
  url?: string;
}

/**
 * An authentication button: OTP as authored, or the URL button Meta stores it as (its url is WhatsApp's OTP
 * link). Either way it is sent as a `url` button whose one parameter is the code (docs/templates.md).
 */
function isOtpButton(def: ButtonDef | undefined): boolean {
  const kind = def?.type?.toUpperCase();
  return kind === 'OTP' || (kind === 'URL' && /^https:\/\/www\.whatsapp\.com\/otp\//.test(def?.url ?? ''));
}

function headerParameter(h: NonNullable<SendParameters['header']>): Record<string, unknown> {
  if (h.type === 'text') return { type: 'text', text: h.text };
  if (h.type === 'location') {
    const { type: _type, ...location } = h;
    return { type: 'location', location };
  }
  return { type: h.type, [h.type]: { link: h.link, ...(h.filename ? { filename: h.filename } : {}) } };
}

function buttonsOf(components: readonly unknown[]): ButtonDef[] {
  for (const c of components) {
    const comp = c as { type?: string; buttons?: ButtonDef[] };
    if (comp.type?.toUpperCase() === 'BUTTONS') return comp.buttons ?? [];
  }
  return [];
}

/**
 * The `template` object of a Cloud API send from Lifeline's parameter shape. Button sub-types come from the
 * template's own definition, so callers only name the index.
 */
export function buildTemplateMessage(
  template: { name: string; language: string; components: readonly unknown[] },
  params: SendParameters = {},
): Record<string, unknown> {
  const components: Record<string, unknown>[] = [];
  const h = params.header;
  if (h) {
    components.push({
      type: 'header',
      parameters: [headerParameter(h)],
    });
  }
  if (params.body) {
    const parameters = Array.isArray(params.body)
      ? params.body.map((text) => ({ type: 'text', text }))
      : Object.entries(params.body).map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
    if (parameters.length) components.push({ type: 'body', parameters });
  }
  const defs = buttonsOf(template.components);
  const otp = (index: number, code: string) => ({
    type: 'button',
    sub_type: 'url',
    index: String(index),
    parameters: [{ type: 'text', text: code }],
  });
  for (const b of params.buttons ?? []) {
    const def = defs[b.index];
    const kind = def?.type?.toUpperCase();
    if (isOtpButton(def) && (b.text ?? b.couponCode)) {
      components.push(otp(b.index, (b.text ?? b.couponCode)!));
    } else if (kind === 'URL' && b.text) {
      components.push({
        type: 'button',
        sub_type: 'url',
        index: String(b.index),
        parameters: [{ type: 'text', text: b.text }],
      });
    } else if (kind === 'COPY_CODE' && (b.couponCode ?? b.text)) {
      components.push({
        type: 'button',
        sub_type: 'copy_code',
        index: String(b.index),
        parameters: [{ type: 'coupon_code', coupon_code: b.couponCode ?? b.text }],
      });
    } else if (kind === 'QUICK_REPLY' && (b.payload ?? b.text)) {
      components.push({
        type: 'button',
        sub_type: 'quick_reply',
        index: String(b.index),
        parameters: [{ type: 'payload', payload: b.payload ?? b.text }],
      });
    }
  }
  // The code of an authentication template is its one body parameter; its button repeats it unless told otherwise.
  const code = Array.isArray(params.body) ? params.body[0] : params.body?.['1'];
  defs.forEach((def, index) => {
    if (isOtpButton(def) && code && !params.buttons?.some((b) => b.index === index)) components.push(otp(index, code));
  });
  return {
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language, policy: 'deterministic' },
      ...(components.length ? { components } : {}),
    },
  };
}
