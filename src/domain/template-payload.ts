import type { SendParameters } from './send-parameters';

interface ButtonDef {
  type?: string;
  text?: string;
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
      parameters: [
        h.type === 'text'
          ? { type: 'text', text: h.text }
          : { type: h.type, [h.type]: { link: h.link, ...(h.filename ? { filename: h.filename } : {}) } },
      ],
    });
  }
  if (params.body) {
    const parameters = Array.isArray(params.body)
      ? params.body.map((text) => ({ type: 'text', text }))
      : Object.entries(params.body).map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
    if (parameters.length) components.push({ type: 'body', parameters });
  }
  const defs = buttonsOf(template.components);
  for (const b of params.buttons ?? []) {
    const def = defs[b.index];
    const kind = def?.type?.toUpperCase();
    if (kind === 'URL' && b.text) {
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
  return {
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language, policy: 'deterministic' },
      ...(components.length ? { components } : {}),
    },
  };
}
