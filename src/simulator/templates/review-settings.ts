import { z } from 'zod';
import { GraphId, TemplateCategory } from '../scenario/accounts-schema';

/** Meta's rejection reasons (`reason` of `message_template_status_update`, `rejected_reason` of the node). */
export const REJECTION_REASONS = [
  'INVALID_FORMAT',
  'PROMOTIONAL',
  'ABUSIVE_CONTENT',
  'INCORRECT_CATEGORY',
  'TAG_CONTENT_MISMATCH',
  'SCAM',
] as const;

/**
 * A scripted review decision for submissions that match every given field (WABA, name, language). The first
 * matching rule with uses left decides; without one a template is approved as authored.
 */
export const ReviewRuleSchema = z.object({
  wabaId: GraphId.optional(),
  name: z.string().optional(),
  language: z.string().optional(),
  outcome: z.enum(['APPROVED', 'REJECTED']).default('APPROVED'),
  /** For REJECTED. */
  reason: z.enum(REJECTION_REASONS).default('INVALID_FORMAT'),
  recommendation: z.string().optional(),
  /** Approved, but under this category (Meta's reassignment): `template_category_update` precedes APPROVED. */
  category: TemplateCategory.optional(),
  /** Uses before the rule stops matching (a resubmission after a fix then passes). */
  count: z.number().int().positive().optional(),
});
export type ReviewRule = z.infer<typeof ReviewRuleSchema>;

export const TemplateReviewSchema = z.object({
  /** Time from submission (or edit) to the decision; null = the simulator's `templateReviewDelayMs`. */
  delayMs: z.number().int().min(0).max(86_400_000).nullable().default(null),
  rules: z.array(ReviewRuleSchema).default([]),
});
export type TemplateReview = z.infer<typeof TemplateReviewSchema>;
/** `setTemplateReview`: a given `rules` list replaces the current one. */
export const TemplateReviewPatchSchema = z.object({
  delayMs: z.number().int().min(0).max(86_400_000).nullable().optional(),
  rules: z.array(ReviewRuleSchema).optional(),
});
export type TemplateReviewPatch = z.input<typeof TemplateReviewPatchSchema>;
