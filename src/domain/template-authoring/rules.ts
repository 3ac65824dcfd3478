/**
 * Meta's template rules that span fields (docs/templates.md, "Authoring rules"): placeholders, examples, button
 * kinds, counts and order, and what each category allows. Pure; each broken rule is one issue naming its field.
 */
import type { z } from 'zod';
import type { AuthoringButton, AuthoringComponent, TemplateContent } from './schema';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const POSITIONAL = /^[1-9]\d*$/;
const NAMED = /^[a-z_][a-z0-9_]*$/;

/** Placeholder names in order of appearance (duplicates kept), and whether any braces are malformed. */
export function placeholders(text: string): { names: string[]; malformed: boolean } {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim());
  const rest = text.replace(PLACEHOLDER, '');
  const malformed = /\{\{|\}\}/.test(rest) || names.some((n) => !POSITIONAL.test(n) && !NAMED.test(n));
  return { names, malformed };
}

/** Distinct placeholder names in order of first appearance. */
export const variablesOf = (text: string | undefined): string[] => [...new Set(placeholders(text ?? '').names)];

/** Placeholders of one text: well-formed, one style, positional ones numbered 1..n; returns the distinct names. */
function checkPlaceholders(text: string, path: Path, format: 'POSITIONAL' | 'NAMED' | undefined, report: Report) {
  const { names, malformed } = placeholders(text);
  if (malformed) report(path, 'placeholders are written {{1}}, {{2}} … or {{name}} (lowercase and underscores)');
  const distinct = [...new Set(names)];
  const positional = distinct.filter((n) => POSITIONAL.test(n));
  const named = distinct.filter((n) => NAMED.test(n));
  if (positional.length && named.length) report(path, 'placeholders are either all numbered or all named');
  if (format === 'NAMED' && positional.length) report(path, 'parameterFormat NAMED needs named placeholders');
  if (format !== 'NAMED' && named.length) report(path, 'named placeholders need parameterFormat NAMED');
  const numbers = positional.map(Number).sort((a, b) => a - b);
  if (numbers.some((n, i) => n !== i + 1)) report(path, 'numbered placeholders must run {{1}}, {{2}} … without gaps');
  return distinct;
}

function exampleCount(c: Extract<AuthoringComponent, { type: 'HEADER' | 'BODY' }>, part: 'header' | 'body') {
  const e = c.example;
  if (part === 'header') return (e?.header_text?.length ?? 0) + (e?.header_text_named_params?.length ?? 0);
  return (e?.body_text?.[0]?.length ?? 0) + (e?.body_text_named_params?.length ?? 0);
}

function checkStandard(t: TemplateContent, report: Report) {
  t.components.forEach((c, i) => {
    const at = (...rest: Path): Path => ['components', i, ...rest];
    if (c.type === 'HEADER') {
      if (c.format === 'TEXT') {
        if (c.text === undefined) return report(at('text'), 'a TEXT header needs text');
        const vars = checkPlaceholders(c.text, at('text'), t.parameterFormat, report);
        if (vars.length > 1) report(at('text'), 'a header takes at most one placeholder');
        if (vars.length > 0 && exampleCount(c, 'header') !== vars.length) {
          report(at('example', 'header_text'), 'give an example for the header placeholder');
        }
      } else {
        if (c.text !== undefined) report(at('text'), `a ${c.format} header has no text`);
        if (c.format !== 'LOCATION' && !c.example?.header_handle?.length) {
          report(at('example', 'header_handle'), `a ${c.format} header needs a sample (header_handle)`);
        }
      }
    } else if (c.type === 'BODY') {
      if (c.add_security_recommendation !== undefined) {
        report(at('add_security_recommendation'), 'only authentication templates take add_security_recommendation');
      }
      if (c.text === undefined) return report(at('text'), 'the body needs text');
      const vars = checkPlaceholders(c.text, at('text'), t.parameterFormat, report);
      if (vars.length > 0 && exampleCount(c, 'body') !== vars.length) {
        report(at('example'), `give one example per placeholder (${vars.length})`);
      }
      const trimmed = c.text.trim();
      if (/^\{\{[^{}]*\}\}/.test(trimmed) || /\{\{[^{}]*\}\}$/.test(trimmed)) {
        report(at('text'), 'the body may not start or end with a placeholder');
      }
    } else if (c.type === 'FOOTER') {
      if (c.code_expiration_minutes !== undefined) {
        report(at('code_expiration_minutes'), 'only authentication templates take code_expiration_minutes');
      }
      if (c.text === undefined) report(at('text'), 'the footer needs text');
      else if (placeholders(c.text).names.length) report(at('text'), 'a footer takes no placeholders');
    } else checkButtons(t.category, c.buttons, at('buttons'), report);
  });
}

const MAX_OF_KIND: Partial<Record<AuthoringButton['type'], number>> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };

function checkButtons(category: TemplateContent['category'], buttons: AuthoringButton[], path: Path, report: Report) {
  for (const [kind, max] of Object.entries(MAX_OF_KIND)) {
    if (buttons.filter((b) => b.type === kind).length > max) report(path, `at most ${max} ${kind} button(s)`);
  }
  // Quick replies sit together, before or after the call-to-action buttons.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'c')).join('');
  if (/q+c+q+/.test(kinds) || /c+q+c+/.test(kinds)) report(path, 'quick replies must be grouped together');
  const texts = buttons.flatMap((b) => ('text' in b && b.text ? [b.text.trim().toLowerCase()] : []));
  if (new Set(texts).size !== texts.length) report(path, 'button texts must be unique');
  buttons.forEach((b, i) => {
    if (b.type === 'OTP') report([...path, i, 'type'], 'OTP buttons belong to AUTHENTICATION templates');
    if (b.type === 'COPY_CODE' && category !== 'MARKETING') {
      report([...path, i, 'type'], 'COPY_CODE buttons belong to MARKETING templates');
    }
    if (b.type === 'URL') {
      const { names, malformed } = placeholders(b.url);
      if (malformed || names.length > 1 || (names.length === 1 && (names[0] !== '1' || !b.url.endsWith('{{1}}')))) {
        report([...path, i, 'url'], 'a URL takes at most one placeholder, {{1}}, at its end');
      } else if (names.length === 1 && !b.example?.length) {
        report([...path, i, 'example'], 'a dynamic URL needs an example');
      }
    }
  });
}

function checkAuthentication(t: TemplateContent, report: Report) {
  if (t.parameterFormat === 'NAMED') report(['parameterFormat'], 'authentication templates are POSITIONAL');
  const buttons = t.components.findIndex((c) => c.type === 'BUTTONS');
  if (buttons < 0) report(['components'], 'an authentication template needs a BUTTONS component with its OTP button');
  t.components.forEach((c, i) => {
    const at = (...rest: Path): Path => ['components', i, ...rest];
    if (c.type === 'HEADER') report(at('type'), 'authentication templates have no header');
    if (c.type === 'BODY') {
      if (c.text !== undefined) report(at('text'), 'Meta writes the body; set add_security_recommendation instead');
      if (c.example !== undefined) report(at('example'), 'an authentication body takes no example');
    }
    if (c.type === 'FOOTER') {
      if (c.text !== undefined) report(at('text'), 'Meta writes the footer; set code_expiration_minutes instead');
      else if (c.code_expiration_minutes === undefined) report(at('code_expiration_minutes'), 'required in a footer');
    }
    if (c.type !== 'BUTTONS') return;
    if (c.buttons.length !== 1 || c.buttons[0]?.type !== 'OTP') {
      report(at('buttons'), 'an authentication template has exactly one button, of type OTP');
    }
    c.buttons.forEach((b, j) => {
      if (b.type !== 'OTP') return;
      const bp = (...rest: Path) => at('buttons', j, ...rest);
      if (b.otp_type !== 'COPY_CODE' && !b.supported_apps) {
        report(bp('supported_apps'), `${b.otp_type} needs the Android apps (package_name, signature_hash)`);
      }
      if (b.otp_type === 'ZERO_TAP' && b.zero_tap_terms_accepted !== true) {
        report(bp('zero_tap_terms_accepted'), 'ZERO_TAP needs zero_tap_terms_accepted: true');
      }
      if (b.autofill_text !== undefined && b.otp_type === 'COPY_CODE') {
        report(bp('autofill_text'), 'autofill_text belongs to ONE_TAP and ZERO_TAP buttons');
      }
    });
  });
}

/** Runs every rule; used as the authoring schemas' refinement. */
export function checkTemplateRules(t: TemplateContent, ctx: z.RefinementCtx): void {
  const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  const indexes = (type: string) => t.components.flatMap((c, i) => (c.type === type ? [i] : []));
  if (indexes('BODY').length !== 1) report(['components'], 'exactly one BODY');
  for (const type of ['HEADER', 'FOOTER', 'BUTTONS']) {
    const extra = indexes(type)[1];
    if (extra !== undefined) report(['components', extra, 'type'], `at most one ${type}`);
  }
  if (t.category === 'AUTHENTICATION') checkAuthentication(t, report);
  else checkStandard(t, report);
}
