import type { AuthoredTemplateRow, SubmissionRow } from '../db/repositories/authored-templates';
import { evaluateTemplate, evaluateWaba } from '../domain/health';
import type { RegistrySnapshot } from '../domain/registry';

/** Why a member cannot carry messages now; empty exactly when it is usable. */
export interface NotUsable {
  code: string;
  message: string;
}

interface VariantInput {
  authored: AuthoredTemplateRow;
  members: readonly SubmissionRow[];
}

/** One language variant: its content, each WABA's member and the group members of its language. */
function variantView(v: VariantInput, registry: RegistrySnapshot, now: number) {
  const { authored } = v;
  const group = registry.groups.find((g) => g.key === authored.key);
  return {
    language: authored.language,
    category: authored.category,
    ...(authored.parameterFormat ? { parameterFormat: authored.parameterFormat } : {}),
    components: authored.components,
    shape: authored.shape,
    revision: authored.revision,
    createdAt: authored.createdAt,
    updatedAt: authored.updatedAt,
    members: v.members.map((m) => memberView(authored, m, registry, now)),
    group: {
      members: group?.members.filter((g) => g.language === authored.language).map((g) => g.wabaId) ?? [],
    },
  };
}

/**
 * `GET /v1/templates/:key`: the logical template, and for each language variant (`languages`, in the order
 * they were authored) each WABA's member with Meta's review state, quality and the reasons it is not usable
 * (review, re-categorisation, template or WABA health), and the group they form in that language. The top-level
 * content, `members` and `group` are those of one variant (`language`: the one asked for, else the first), as
 * before a key could have several languages.
 */
export function templateView(
  variants: readonly VariantInput[],
  registry: RegistrySnapshot,
  language?: string,
  now = Date.now(),
) {
  const views = variants.map((v) => variantView(v, registry, now));
  const primary = views.find((v) => v.language === language) ?? views[0]!;
  const { authored } = variants[0]!;
  return {
    key: authored.key,
    name: authored.name,
    ...primary,
    languages: views,
  };
}

function memberView(authored: AuthoredTemplateRow, m: SubmissionRow, registry: RegistrySnapshot, now: number) {
  const template = m.templateId ? registry.templates.find((t) => t.id === m.templateId) : undefined;
  const waba = registry.wabas.find((w) => w.id === m.wabaId);
  const notUsable: NotUsable[] = [];
  if (m.status !== 'APPROVED') {
    const why = m.reason ? `: ${m.reason}` : '';
    notUsable.push({ code: `status_${m.status.toLowerCase()}`, message: `Meta's review status is ${m.status}${why}` });
  }
  if (m.category && m.category !== authored.category) {
    notUsable.push({
      code: 'recategorised',
      message: `Meta re-categorised it as ${m.category} (authored ${authored.category}): not equivalent to the others`,
    });
  }
  const templateHealth = template ? evaluateTemplate(template, now) : undefined;
  if (m.status === 'APPROVED' && templateHealth && templateHealth.verdict === 'unhealthy') {
    notUsable.push(...templateHealth.reasons.map((r) => ({ code: r.code, message: r.message })));
  }
  const wabaHealth = waba ? evaluateWaba(waba, now) : undefined;
  if (wabaHealth?.verdict === 'unhealthy') {
    notUsable.push(...wabaHealth.reasons.map((r) => ({ code: `waba_${r.code}`, message: r.message })));
  }
  return {
    wabaId: m.wabaId,
    templateId: m.templateId,
    status: m.status,
    reason: m.reason,
    category: m.category,
    quality: template?.qualityScore ?? null,
    revision: m.revision,
    submittedAt: m.submittedAt,
    updatedAt: m.updatedAt,
    usable: notUsable.length === 0,
    notUsable,
  };
}
