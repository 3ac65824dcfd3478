import { emit, type Emitted } from '../actions/emit';
import { GraphError, unknownObject } from '../errors/graph-error';
import { type Runtime } from '../runtime';
import { type Template, TemplateSchema } from '../scenario/accounts-schema';
import { authenticate } from '../send/auth';
import { type GraphReply } from '../send/reply';
import { templatesOfWaba } from '../state/store';
import {
  type CreateComponent,
  CreateTemplateSchema,
  EditTemplateSchema,
  expandAuthentication,
  submissionProblem,
} from './create-request';
import { type ReviewRule } from './review-settings';

/** Meta's answer to a bad submission: code 100 naming the field in `error_user_msg`. */
function invalid(details: string): GraphError {
  return new GraphError(100, details, { message: `(#100) Invalid parameter: ${details}` });
}

function issueText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const i = issues[0];
  return `${i?.path.map(String).join('.') || '(root)'}: ${i?.message ?? 'invalid'}`;
}

/** The stored components (authentication expanded), checked like a scenario template would be. */
function storedTemplate(
  base: Omit<Template, 'components' | 'status' | 'category'>,
  category: Template['category'],
  components: readonly CreateComponent[],
): Template {
  const expanded = category === 'AUTHENTICATION' ? expandAuthentication(components) : components;
  const parsed = TemplateSchema.safeParse({ ...base, category, status: 'PENDING', components: expanded });
  if (!parsed.success) throw invalid(issueText(parsed.error.issues));
  return parsed.data;
}

/** `POST /{waba}/message_templates`: `{ id, status: "PENDING", category }`; review decides later. */
export function createTemplate(rt: Runtime, wabaId: string, authorization: string | undefined, body: unknown) {
  if (!authenticate(rt.store, authorization).has(wabaId)) throw unknownObject(wabaId, 'post');
  const parsed = CreateTemplateSchema.safeParse(body);
  if (!parsed.success) throw invalid(issueText(parsed.error.issues));
  const req = parsed.data;
  if (templatesOfWaba(rt.store, wabaId).some((t) => t.name === req.name && t.language === req.language)) {
    throw new GraphError(100, `Content in this language already exists: ${req.name} (${req.language})`, {
      subcode: 2388024,
      message: '(#100) Invalid parameter',
    });
  }
  const template = storedTemplate(
    {
      id: rt.ids.templateId(),
      wabaId,
      name: req.name,
      language: req.language,
      qualityScore: 'UNKNOWN',
      parameterFormat: req.parameter_format ?? 'POSITIONAL',
      pacing: false,
      pauseCount: 0,
      rejectedReason: 'NONE',
    },
    req.category,
    req.components,
  );
  const problem = submissionProblem(req, template.components);
  if (problem) throw invalid(problem);
  rt.store.templates.set(template.id, template);
  scheduleReview(rt, template.id);
  return ok({ id: template.id, status: 'PENDING', category: template.category });
}

/** `POST /{template}`: edits an APPROVED, REJECTED or PAUSED template; it goes back to review. */
export function editTemplate(rt: Runtime, templateId: string, authorization: string | undefined, body: unknown) {
  const wabaIds = authenticate(rt.store, authorization);
  const current = rt.store.templates.get(templateId);
  if (!current || !wabaIds.has(current.wabaId)) throw unknownObject(templateId, 'post');
  if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(current.status)) {
    throw invalid(
      `template ${templateId} is ${current.status}: only approved, rejected or paused templates can be edited`,
    );
  }
  const parsed = EditTemplateSchema.safeParse(body);
  if (!parsed.success) throw invalid(issueText(parsed.error.issues));
  const category = parsed.data.category ?? current.category;
  const components = (parsed.data.components ?? current.components) as CreateComponent[];
  const next = storedTemplate({ ...current, rejectedReason: 'NONE' }, category, components);
  const problem = parsed.data.components
    ? submissionProblem({ ...current, category, components: parsed.data.components }, next.components)
    : undefined;
  if (problem) throw invalid(problem);
  rt.store.templates.set(templateId, next);
  scheduleReview(rt, templateId);
  return ok({ success: true });
}

/** `DELETE /{waba}/message_templates?name=…[&hsm_id=…]`: every language of the name, or the one id. */
export function deleteTemplates(rt: Runtime, wabaId: string, authorization: string | undefined, query: unknown) {
  if (!authenticate(rt.store, authorization).has(wabaId)) throw unknownObject(wabaId, 'post');
  const q = (query ?? {}) as Record<string, unknown>;
  const name = typeof q.name === 'string' ? q.name : undefined;
  const hsmId = typeof q.hsm_id === 'string' ? q.hsm_id : undefined;
  if (!name) throw new GraphError(100, 'name is required', { message: '(#100) The parameter name is required' });
  const doomed = templatesOfWaba(rt.store, wabaId).filter((t) => t.name === name && (!hsmId || t.id === hsmId));
  if (doomed.length === 0) throw invalid(`no template named ${name}${hsmId ? ` with id ${hsmId}` : ''}`);
  for (const t of doomed) rt.store.templates.delete(t.id);
  return ok({ success: true });
}

function ok(body: unknown): GraphReply {
  return { status: 200, body };
}

function ruleFor(rt: Runtime, t: Template): ReviewRule | undefined {
  const rule = rt.store.templateReview.rules.find(
    (r) =>
      (r.count === undefined || r.count > 0) &&
      (r.wabaId === undefined || r.wabaId === t.wabaId) &&
      (r.name === undefined || r.name === t.name) &&
      (r.language === undefined || r.language === t.language),
  );
  if (rule?.count !== undefined) rule.count -= 1;
  return rule;
}

/** After the review delay: APPROVED (maybe re-categorised) or REJECTED with a reason, each by webhook. */
function scheduleReview(rt: Runtime, templateId: string): void {
  const delay = rt.store.templateReview.delayMs ?? rt.options.templateReviewDelayMs;
  const store = rt.store;
  rt.scheduler.after(delay, () => {
    const t = store.templates.get(templateId);
    // Deleted, reset or edited again meanwhile (a later review is already scheduled for the edit).
    if (!t || rt.store !== store || t.status !== 'PENDING') return;
    decide(rt, t, ruleFor(rt, t), []);
  });
}

export function decide(rt: Runtime, t: Template, rule: ReviewRule | undefined, out: Emitted): void {
  const ref = {
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
  };
  if (rule?.outcome === 'REJECTED') {
    t.status = 'REJECTED';
    t.rejectedReason = rule.reason;
    emit(rt, out, t.wabaId, 'message_template_status_update', {
      event: 'REJECTED',
      ...ref,
      message_template_category: t.category,
      reason: rule.reason,
      rejection_info: { reason: rule.reason, recommendation: rule.recommendation ?? 'Edit the template and resubmit.' },
    });
    return;
  }
  if (rule?.category && rule.category !== t.category) {
    const previous = t.category;
    t.previousCategory = previous;
    t.category = rule.category;
    emit(rt, out, t.wabaId, 'template_category_update', {
      ...ref,
      previous_category: previous,
      new_category: t.category,
    });
  }
  t.status = 'APPROVED';
  t.rejectedReason = 'NONE';
  emit(rt, out, t.wabaId, 'message_template_status_update', {
    event: 'APPROVED',
    ...ref,
    message_template_category: t.category,
    reason: 'NONE',
  });
}
