import { unixSeconds } from '../core/clock';
import { type Runtime } from '../runtime';
import { type Quality, type TemplateCategory } from '../scenario/accounts-schema';
import { emit, type Emitted } from './emit';
import { mustGet } from './errors';

function templateEvent(
  rt: Runtime,
  out: Emitted,
  templateId: string,
  event: string,
  extra: Record<string, unknown> = {},
): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  emit(rt, out, t.wabaId, 'message_template_status_update', {
    event,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
    message_template_category: t.category,
    reason: 'NONE',
    ...extra,
  });
}

/** Pause (3 h, then 6 h; a third pause disables, §7.5): `message_template_status_update` PAUSED. */
export function pauseTemplate(rt: Runtime, templateId: string, out: Emitted): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  if (t.pauseCount >= 2) return disableTemplate(rt, templateId, out);
  t.pauseCount += 1;
  t.status = 'PAUSED';
  const title = t.pauseCount === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE';
  const hours = t.pauseCount === 1 ? 3 : 6;
  templateEvent(rt, out, templateId, 'PAUSED', {
    other_info: { title, description: `Your message template has been paused for ${hours} hours due to low quality.` },
  });
}

export function disableTemplate(rt: Runtime, templateId: string, out: Emitted): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  t.status = 'DISABLED';
  templateEvent(rt, out, templateId, 'DISABLED', {
    other_info: {
      title: 'DISABLED',
      description: 'Your message template has been disabled due to continued low quality.',
    },
    disable_info: { disable_date: unixSeconds(rt.clock.now()) },
  });
}

export function reinstateTemplate(rt: Runtime, templateId: string, out: Emitted): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  const wasPaused = t.status === 'PAUSED';
  t.status = 'APPROVED';
  templateEvent(
    rt,
    out,
    templateId,
    'REINSTATED',
    wasPaused ? { other_info: { title: 'UNPAUSE', description: 'Your message template has been unpaused.' } } : {},
  );
}

/** `message_template_quality_update` (§5.10). */
export function setTemplateQuality(rt: Runtime, templateId: string, quality: Quality, out: Emitted): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  const previous = t.qualityScore;
  t.qualityScore = quality;
  emit(rt, out, t.wabaId, 'message_template_quality_update', {
    previous_quality_score: previous,
    new_quality_score: quality,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
  });
}

/** Recategorisation (e.g. UTILITY → MARKETING): `template_category_update` with previous_category (§5.10). */
export function setTemplateCategory(rt: Runtime, templateId: string, category: TemplateCategory, out: Emitted): void {
  const t = mustGet(rt.store.templates, templateId, 'template');
  const previous = t.category;
  t.previousCategory = previous;
  t.category = category;
  emit(rt, out, t.wabaId, 'template_category_update', {
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
    previous_category: previous,
    new_category: category,
  });
}
