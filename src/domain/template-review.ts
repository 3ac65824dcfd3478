import type { HealthChange } from '../meta/webhook-health-schemas';
import { TEMPLATE_EVENT_STATUS } from './webhook-health';

/** What a template webhook says about a submitted member's review (docs/templates.md, "Review tracking"). */
export interface ReviewChange {
  templateId: string;
  status?: string;
  reason?: string | null;
  category?: string;
}

/** `message_template_status_update` / `template_category_update` → the member's change; undefined otherwise. Pure. */
export function reviewChangeOf(change: HealthChange): ReviewChange | undefined {
  if (change.field === 'message_template_status_update') {
    const v = change.value;
    // The registry's mapping (REINSTATED/UNARCHIVED → APPROVED); FLAGGED is quality only and keeps the status.
    const status = TEMPLATE_EVENT_STATUS[v.event];
    const reason = v.reason && v.reason !== 'NONE' ? v.reason : null;
    return {
      templateId: v.message_template_id,
      ...(status ? { status, reason } : {}),
      ...(v.message_template_category ? { category: v.message_template_category } : {}),
    };
  }
  if (change.field === 'template_category_update') {
    const v = change.value;
    // `correct_category` alone announces a change taking effect later: not applied yet.
    if (v.correct_category !== undefined && v.previous_category === undefined) return undefined;
    return { templateId: v.message_template_id, category: v.new_category };
  }
  return undefined;
}
