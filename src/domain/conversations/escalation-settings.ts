import { z } from 'zod';
import { safeText } from '../safe-input';

/** How a customer reaches a person (WhatsApp requires at least one path when automation answers). */
export const humanPathSchema = z
  .object({
    /** Agents answer in this chat, through POST /v1/conversations/:waId/messages. */
    agentHandoff: z.boolean().default(false),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in international format (+…)')
      .optional(),
    email: z.email().optional(),
    webForm: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  })
  .strict();

export type HumanPath = z.infer<typeof humanPathSchema>;

/** Language code ("en", "es", "hi", …) or "default". */
const languageKey = z.string().regex(/^([a-z]{2,3}|default)$/, 'must be a language code like "en" or "default"');

/** Per-tenant human-escalation policy (docs/conversations.md, "Escalation"). */
export const escalationSettingsSchema = z
  .object({
    /** Acknowledge escalations to the customer with the human path; needs at least one path. */
    enabled: z.boolean().default(false),
    humanPath: humanPathSchema.prefault({}),
    /** The acknowledgement's opening text per language (the human path is always appended). */
    acknowledgement: z.record(languageKey, z.string().trim().pipe(safeText(1000))).optional(),
    /** How many recent messages of the conversation an escalation carries. */
    contextMessages: z.number().int().min(0).max(50).default(10),
    /** Hold automated campaign sends to a customer while their escalation is open. */
    holdCampaigns: z.boolean().default(false),
  })
  .strict()
  .superRefine((s, ctx) => {
    const p = s.humanPath;
    if (s.enabled && !p.agentHandoff && !p.phone && !p.email && !p.webForm) {
      ctx.addIssue({
        code: 'custom',
        path: ['humanPath'],
        message: 'at least one of agentHandoff, phone, email or webForm is required when escalation is enabled',
      });
    }
  });

export type EscalationSettings = z.infer<typeof escalationSettingsSchema>;
