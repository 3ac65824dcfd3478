/**
 * What a logical template's members must share to be equivalent (docs/templates.md, "Equivalence facts":
 * category, parameter count, header format), computed from the authored content, and the body Lifeline submits to
 * Meta. Pure.
 */
import { variablesOf } from './rules';
import type { TemplateContent } from './schema';

export type HeaderFormat = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

export interface TemplateShape {
  category: TemplateContent['category'];
  headerFormat: HeaderFormat;
  /** Send parameters by part: header and body placeholders, buttons that take one (dynamic URL, coupon, code). */
  parameters: { header: number; body: number; buttons: number };
  /** Their sum: what the equivalence check compares. */
  parameterCount: number;
}

export function shapeOf(t: TemplateContent): TemplateShape {
  let headerFormat: HeaderFormat = 'NONE';
  const parameters = { header: 0, body: 0, buttons: 0 };
  for (const c of t.components) {
    if (c.type === 'HEADER') {
      headerFormat = c.format;
      // A media or location header is always filled at send time.
      parameters.header = c.format === 'TEXT' ? variablesOf(c.text).length : 1;
    } else if (c.type === 'BODY') {
      // Meta's authentication body is "{{1}} is your verification code.": the code.
      parameters.body = t.category === 'AUTHENTICATION' ? 1 : variablesOf(c.text).length;
    } else if (c.type === 'BUTTONS') {
      parameters.buttons = c.buttons.filter(
        (b) => b.type === 'OTP' || b.type === 'COPY_CODE' || (b.type === 'URL' && variablesOf(b.url).length > 0),
      ).length;
    }
  }
  const parameterCount = parameters.header + parameters.body + parameters.buttons;
  return { category: t.category, headerFormat, parameters, parameterCount };
}

/** The `POST /{waba}/message_templates` body (also the `POST /{template}` edit body, without name and language). */
export function metaTemplateBody(name: string, language: string, t: TemplateContent): Record<string, unknown> {
  return {
    name,
    language,
    category: t.category,
    ...(t.parameterFormat ? { parameter_format: t.parameterFormat } : {}),
    components: t.components,
  };
}

/** Whether two shapes make their templates equivalent (key order of a stored shape does not matter). */
export function sameShape(a: TemplateShape, b: TemplateShape): boolean {
  return a.category === b.category && a.headerFormat === b.headerFormat && a.parameterCount === b.parameterCount;
}
