import type { Template } from '../registry';
import { extractVariables, parseMetaTemplate } from '../template-model';

/**
 * The shape that makes two templates interchangeable (docs/capacity.md, "Equivalent templates"): the same
 * category (failover never turns a utility message into a marketing one, or back), the same header format, and
 * the same number of parameters — header text, body and URL-button variables — so one request's parameters fill
 * either. Components that do not parse get a shape of their own, equal only to another unparsable template of
 * the same category.
 */
export function templateShape(template: Pick<Template, 'category' | 'components'>): string {
  const parsed = parseMetaTemplate({ components: template.components });
  if (!parsed.ok) return `${template.category}|unparsed`;
  const t = parsed.template;
  const header = t.header?.format ?? 'NONE';
  const headerParams = t.header?.format === 'TEXT' ? extractVariables(t.header.text).length : 0;
  const bodyParams = extractVariables(t.body ?? '').length;
  let buttonParams = 0;
  for (const b of t.buttons) if (b.type === 'URL') buttonParams += extractVariables(b.url).length;
  return `${template.category}|${header}|${headerParams + bodyParams + buttonParams}`;
}
