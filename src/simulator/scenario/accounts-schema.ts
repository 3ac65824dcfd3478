import { z } from 'zod';

/** Graph ids are numeric strings; YAML authors may write them as numbers, so both are accepted. */
export const GraphId = z
  .union([z.string().regex(/^\d{1,32}$/, 'must be a numeric id'), z.number().int().nonnegative()])
  .transform(String);

export const TIERS = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

export const Quality = z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']);
export type Quality = z.infer<typeof Quality>;

export const PortfolioSchema = z.object({
  id: GraphId,
  name: z.string().default('Business portfolio'),
  tier: Tier.default('TIER_250'),
  /** Business verification; an unverified portfolio reports LIMITED (141010) in health_status. */
  verified: z.boolean().default(true),
  maxPhoneNumbers: z.number().int().positive().default(20),
});
export type Portfolio = z.infer<typeof PortfolioSchema>;

export const WabaStatus = z.enum(['ACTIVE', 'RESTRICTED', 'SCHEDULED_FOR_DISABLE', 'BANNED']);
export type WabaStatus = z.infer<typeof WabaStatus>;
export const RestrictionType = z.enum([
  'RESTRICTED_BIZ_INITIATED_MESSAGING',
  'RESTRICTED_CUSTOMER_INITIATED_MESSAGING',
  'RESTRICTED_ADD_PHONE_NUMBER_ACTION',
]);
export type RestrictionType = z.infer<typeof RestrictionType>;

export const WabaSchema = z.object({
  id: GraphId,
  portfolioId: GraphId,
  name: z.string().min(1),
  accessToken: z.string().min(1),
  currency: z.string().default('USD'),
  timezoneId: z.string().default('1'),
  country: z.string().optional(),
  accountReviewStatus: z.enum(['APPROVED', 'PENDING', 'REJECTED']).default('APPROVED'),
  status: WabaStatus.default('ACTIVE'),
  restriction: z.object({ type: RestrictionType, expiresAt: z.number() }).optional(),
  /** An expired token answers 190 with subcode 463. */
  tokenExpired: z.boolean().default(false),
});
export type Waba = z.infer<typeof WabaSchema>;

export const PHONE_STATUSES = [
  'CONNECTED',
  'DISCONNECTED',
  'FLAGGED',
  'RESTRICTED',
  'RATE_LIMITED',
  'BANNED',
  'PENDING',
  'DELETED',
  'MIGRATED',
  'UNVERIFIED',
] as const;
export const PhoneStatus = z.enum(PHONE_STATUSES);
export type PhoneStatus = z.infer<typeof PhoneStatus>;

export const PhoneNumberSchema = z.object({
  id: GraphId,
  wabaId: GraphId,
  /** As Meta formats it, e.g. "+91 98000 10001"; webhooks carry its digits. */
  displayPhoneNumber: z.string().regex(/^\+?[\d\s().-]{7,24}$/, 'must be a phone number'),
  verifiedName: z.string().min(1),
  qualityRating: Quality.default('GREEN'),
  status: PhoneStatus.default('CONNECTED'),
  /** Messages per second: a number, or Meta's level (STANDARD = 80, HIGH = 1000). */
  throughput: z
    .union([z.number().int().positive(), z.enum(['STANDARD', 'HIGH'])])
    .default(80)
    .transform((t) => (t === 'STANDARD' ? 80 : t === 'HIGH' ? 1000 : t)),
  nameStatus: z
    .enum(['APPROVED', 'AVAILABLE_WITHOUT_REVIEW', 'DECLINED', 'EXPIRED', 'PENDING_REVIEW', 'NONE'])
    .default('APPROVED'),
  /** Registered on Cloud API; an unregistered number answers 133010. */
  registered: z.boolean().default(true),
  accountMode: z.enum(['LIVE', 'SANDBOX']).default('LIVE'),
});
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;

const HeaderComponent = z.object({
  type: z.literal('HEADER'),
  format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']),
  text: z.string().max(60).optional(),
  example: z.unknown().optional(),
});
const BodyComponent = z.object({
  type: z.literal('BODY'),
  text: z.string().min(1).max(1024),
  example: z.unknown().optional(),
});
const FooterComponent = z.object({ type: z.literal('FOOTER'), text: z.string().min(1).max(60) });
export const TemplateButtonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: z.string().min(1).max(25) }),
  z.object({
    type: z.literal('URL'),
    text: z.string().min(1).max(25),
    url: z.string().min(1),
    example: z.unknown().optional(),
  }),
  z.object({ type: z.literal('PHONE_NUMBER'), text: z.string().min(1).max(25), phone_number: z.string().min(1) }),
  z.object({
    type: z.literal('COPY_CODE'),
    text: z.string().default('Copy offer code'),
    example: z.union([z.string(), z.array(z.string())]),
  }),
  /** Authentication one-time-password button as authored; Meta stores it as a URL button (see templates/authoring). */
  z.object({
    type: z.literal('OTP'),
    otp_type: z.enum(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP']),
    text: z.string().max(25).default('Copy code'),
    autofill_text: z.string().max(25).optional(),
    supported_apps: z.array(z.object({ package_name: z.string(), signature_hash: z.string() })).optional(),
  }),
]);
export type TemplateButton = z.infer<typeof TemplateButtonSchema>;
const ButtonsComponent = z.object({
  type: z.literal('BUTTONS'),
  buttons: z.array(TemplateButtonSchema).min(1).max(10),
});

/** Template components in Meta's management format, as `GET /{waba}/message_templates` returns them. */
export const TemplateComponentSchema = z.discriminatedUnion('type', [
  HeaderComponent,
  BodyComponent,
  FooterComponent,
  ButtonsComponent,
]);
export type TemplateComponent = z.infer<typeof TemplateComponentSchema>;

export const TemplateStatus = z.enum([
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'ARCHIVED',
  'LIMIT_EXCEEDED',
  'LOCKED',
]);
export type TemplateStatus = z.infer<typeof TemplateStatus>;
export const TemplateCategory = z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
export type TemplateCategory = z.infer<typeof TemplateCategory>;

export const TemplateSchema = z
  .object({
    id: GraphId,
    wabaId: GraphId,
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores'),
    language: z.string().min(2),
    category: TemplateCategory,
    previousCategory: TemplateCategory.optional(),
    status: TemplateStatus.default('APPROVED'),
    qualityScore: Quality.default('GREEN'),
    parameterFormat: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
    components: z.array(TemplateComponentSchema).min(1),
    /** New-template pacing: sends answer `message_status: held_for_quality_assessment`. */
    pacing: z.boolean().default(false),
    /** Pauses so far: the 1st and 2nd pause are FIRST_PAUSE/SECOND_PAUSE, a 3rd disables (Meta §7.5). */
    pauseCount: z.number().int().min(0).default(0),
    /** Why review rejected it (`rejected_reason`): NONE unless REJECTED. */
    rejectedReason: z.string().default('NONE'),
  })
  .superRefine((t, ctx) => {
    const count = (type: string): number => t.components.filter((c) => c.type === type).length;
    if (count('BODY') !== 1) ctx.addIssue({ code: 'custom', path: ['components'], message: 'exactly one BODY' });
    for (const type of ['HEADER', 'FOOTER', 'BUTTONS']) {
      if (count(type) > 1) ctx.addIssue({ code: 'custom', path: ['components'], message: `at most one ${type}` });
    }
    const buttons = t.components.flatMap((c) => (c.type === 'BUTTONS' ? c.buttons : []));
    const limits: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };
    for (const [type, max] of Object.entries(limits)) {
      if (buttons.filter((b) => b.type === type).length > max) {
        ctx.addIssue({ code: 'custom', path: ['components'], message: `at most ${max} ${type} button(s)` });
      }
    }
  });
export type Template = z.infer<typeof TemplateSchema>;
/** A template as Lifeline's tests may write it (defaults optional). */
export type TemplateDefinition = z.input<typeof TemplateSchema>;
