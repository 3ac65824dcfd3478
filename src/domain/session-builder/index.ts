/**
 * Smart Utility Fallback: converts a marketing template and its send parameters into one or two WhatsApp
 * session messages (docs/smart-utility-fallback.md). Pure and total: unsupported or inconsistent input is a typed failure.
 */
import { parseMetaTemplate } from '../template-model';
import { Notes } from './compose';
import { resolveContent, unsupportedFeature } from './content';
import { DEFAULT_LABELS, PAIR_SPACING_MS } from './limits';
import { buildScenario } from './scenarios';
import type { SessionBuildInput, SessionBuildResult, SessionLabels } from './types';

export type * from './types';
export { SESSION_LIMITS, PAIR_SPACING_MS, DEFAULT_LABELS } from './limits';

/** Builds the session message(s) that carry a template's content inside the customer service window. */
export function buildSessionMessages(input: SessionBuildInput): SessionBuildResult {
  const parsed = parseMetaTemplate(input.template);
  if (!parsed.ok) return { ok: false, reason: 'invalid_template', detail: parsed.error };
  const unsupported = unsupportedFeature(parsed.template);
  if (unsupported !== undefined) return { ok: false, reason: 'unsupported_template', detail: unsupported };

  const labels: SessionLabels = {
    call: input.labels?.call ?? DEFAULT_LABELS.call,
    code: input.labels?.code ?? DEFAULT_LABELS.code,
    listButton: input.labels?.listButton ?? DEFAULT_LABELS.listButton,
  };
  const resolved = resolveContent(parsed.template, input.parameters, labels);
  if (!resolved.ok) return resolved;

  const notes = new Notes();
  const built = buildScenario(resolved.content, labels, notes);
  return {
    ok: true,
    scenario: built.scenario,
    messages: built.messages,
    minSpacingMs: built.messages.length > 1 ? PAIR_SPACING_MS : 0,
    choices: built.choices,
    truncated: notes.truncated,
    renamed: notes.renamed,
  };
}
