import { type Template, type TemplateButton, type TemplateComponent } from '../scenario/accounts-schema';
import { failure, type ValidationFailure } from './result';
import { type TemplateParam, type TemplateRequest, type TemplateRequestComponent } from './template-request';
import { hasForbiddenFormatting, hydrate, templateVariables } from './template-text';

/** The parts of a template definition validation needs; status defaults to APPROVED. */
export type TemplateLike = Pick<Template, 'name' | 'language' | 'components'> &
  Partial<Pick<Template, 'id' | 'status' | 'category' | 'parameterFormat'>>;

/** What the person sees: the hydrated template. */
export interface RenderedTemplate {
  header?: string;
  body: string;
  footer?: string;
  buttons: string[];
}

export type TemplateMatch = { ok: true; template: TemplateLike; rendered: RenderedTemplate } | ValidationFailure;

const HEADER_MEDIA: Record<string, TemplateParam['type']> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document' };
const SUB_TYPE_OF: Record<TemplateButton['type'], string> = {
  QUICK_REPLY: 'quick_reply',
  URL: 'url',
  PHONE_NUMBER: 'phone_number',
  COPY_CODE: 'copy_code',
  // Authentication buttons are sent as `url` buttons carrying the code (Meta's send format).
  OTP: 'url',
};

function textOf(param: TemplateParam): string | undefined {
  if (param.type === 'text') return param.text;
  if (param.type === 'currency') return param.currency.fallback_value;
  if (param.type === 'date_time') return param.date_time.fallback_value;
  return undefined;
}

function component<T extends TemplateComponent['type']>(t: TemplateLike, type: T) {
  return t.components.find((c): c is Extract<TemplateComponent, { type: T }> => c.type === type);
}

/**
 * Checks a template send against the approved definitions of the sending WABA (§2.4, §10.1): name + language
 * approved (132001), not paused (132015) or disabled (132016), parameter counts (132000), formats (132012)
 * and hydrated lengths (132005).
 */
export function matchTemplate(request: TemplateRequest, templates: readonly TemplateLike[]): TemplateMatch {
  const { name } = request;
  const code = request.language.code;
  const template = templates.find((t) => t.name === name && t.language === code);
  const status = template?.status ?? 'APPROVED';
  if (!template || !['APPROVED', 'PAUSED', 'DISABLED'].includes(status)) {
    return failure(132001, `template name (${name}) does not exist in ${code}`);
  }
  if (status === 'PAUSED') return failure(132015, `template ${name} (${code}) is paused`);
  if (status === 'DISABLED') return failure(132016, `template ${name} (${code}) is disabled`);

  const byType = (type: string): TemplateRequestComponent[] => request.components.filter((c) => c.type === type);
  const headerResult = checkHeader(template, byType('header'));
  if (!headerResult.ok) return headerResult;
  const bodyResult = checkBody(template, byType('body'));
  if (!bodyResult.ok) return bodyResult;
  const buttonsResult = checkButtons(template, byType('button'));
  if (!buttonsResult.ok) return buttonsResult;
  const footer = component(template, 'FOOTER')?.text;
  return {
    ok: true,
    template,
    rendered: {
      ...(headerResult.text !== undefined ? { header: headerResult.text } : {}),
      body: bodyResult.text,
      ...(footer !== undefined ? { footer } : {}),
      buttons: buttonsResult.titles,
    },
  };
}

type Checked<T> = ({ ok: true } & T) | ValidationFailure;

function checkHeader(template: TemplateLike, given: TemplateRequestComponent[]): Checked<{ text?: string }> {
  const def = component(template, 'HEADER');
  const params = given.flatMap((c) => c.parameters);
  if (!def) {
    return params.length > 0 ? failure(132000, 'header: the template has no header parameters') : { ok: true };
  }
  if (def.format === 'TEXT') {
    const vars = templateVariables(def.text);
    if (params.length !== vars.length) {
      return failure(
        132000,
        `header: number of localizable_params (${params.length}) does not match the expected number of params (${vars.length})`,
      );
    }
    const values = new Map(vars.map((v, i) => [v, textOf(params[i] as TemplateParam) ?? '']));
    if (params.some((p) => p.type !== 'text')) return failure(132012, 'header: Format mismatch, expected TEXT');
    const text = hydrate(def.text ?? '', values);
    if (text.length > 60) return failure(132005, `header: hydrated text is ${text.length} characters, at most 60`);
    return { ok: true, text };
  }
  const expected = def.format === 'LOCATION' ? 'location' : HEADER_MEDIA[def.format];
  if (params.length > 1) return failure(132000, `header: expected 1 parameter, received ${params.length}`);
  const param = params[0];
  if (!param || param.type !== expected) {
    return failure(
      132012,
      `header: Format mismatch, expected ${def.format}, received ${param?.type.toUpperCase() ?? 'UNKNOWN'}`,
    );
  }
  return { ok: true };
}

function checkBody(template: TemplateLike, given: TemplateRequestComponent[]): Checked<{ text: string }> {
  const def = component(template, 'BODY');
  const vars = templateVariables(def?.text);
  const params = given.flatMap((c) => c.parameters);
  if (params.length !== vars.length) {
    return failure(
      132000,
      `body: number of localizable_params (${params.length}) does not match the expected number of params (${vars.length})`,
    );
  }
  const values = new Map<string, string>();
  for (const [i, param] of params.entries()) {
    const value = textOf(param);
    if (value === undefined) return failure(132012, `body: parameter ${i + 1} has type ${param.type}, expected text`);
    if (hasForbiddenFormatting(value)) {
      return failure(132012, `body: parameter ${i + 1} contains new lines, tabs or more than 4 consecutive spaces`);
    }
    const key =
      template.parameterFormat === 'NAMED' ? ('parameter_name' in param ? param.parameter_name : undefined) : vars[i];
    if (key === undefined || !vars.includes(key)) {
      return failure(132000, `body: parameter ${i + 1} does not match a variable of the template (${vars.join(', ')})`);
    }
    values.set(key, value);
  }
  const text = hydrate(def?.text ?? '', values);
  if (text.length > 1024) return failure(132005, `body: hydrated text is ${text.length} characters, at most 1024`);
  return { ok: true, text };
}

function checkButtons(template: TemplateLike, given: TemplateRequestComponent[]): Checked<{ titles: string[] }> {
  const defs = component(template, 'BUTTONS')?.buttons ?? [];
  const seen = new Set<number>();
  for (const c of given) {
    const index = c.index ?? -1;
    const def = defs[index];
    if (!def) return failure(131009, `button index ${index} does not exist in template ${template.name}`);
    if (seen.has(index)) return failure(131009, `button index ${index} appears twice`);
    seen.add(index);
    if (SUB_TYPE_OF[def.type] !== c.sub_type) {
      return failure(
        132012,
        `button ${index}: sub_type ${c.sub_type} does not match the template's ${def.type} button`,
      );
    }
    const expected =
      def.type === 'URL' ? templateVariables(def.url).length : def.type === 'COPY_CODE' || def.type === 'OTP' ? 1 : -1;
    if (expected >= 0 && c.parameters.length !== expected) {
      return failure(
        132000,
        `button ${index}: number of params (${c.parameters.length}) does not match the expected (${expected})`,
      );
    }
    if (def.type === 'QUICK_REPLY' && c.parameters.some((p) => p.type !== 'payload')) {
      return failure(132012, `button ${index}: quick_reply parameters must be of type payload`);
    }
  }
  for (const [index, def] of defs.entries()) {
    const needsParams =
      (def.type === 'URL' && templateVariables(def.url).length > 0) || def.type === 'COPY_CODE' || def.type === 'OTP';
    if (needsParams && !seen.has(index)) {
      return failure(132000, `button ${index}: the ${def.type} button needs a parameter`);
    }
  }
  return { ok: true, titles: defs.map((b) => b.text) };
}
