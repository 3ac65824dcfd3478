import { z } from 'zod';

/**
 * What a scripted customer does with a message: `yes`/`no` tap the matching choice (or type Yes/No when there is
 * none), `first` taps the first choice, `tap` the choice titled `button`, `text` types `text`, `stop` types
 * STOP, `stop_marketing` uses WhatsApp's "stop promotions" (user_preferences webhook, then 131050), `ignore`
 * does nothing.
 */
export const ReplyKind = z.enum(['yes', 'no', 'first', 'tap', 'text', 'stop', 'stop_marketing', 'ignore']);
export type ReplyKind = z.infer<typeof ReplyKind>;

export const ReplyOptionSchema = z.object({
  reply: ReplyKind,
  text: z.string().min(1).max(4096).optional(),
  button: z.string().min(1).optional(),
  /** Chance of this option; options are tried in order on one draw, the remainder means "ignore". */
  probability: z.number().min(0).max(1).default(1),
  /** Delay after the message was read (or delivered, without read receipts). */
  delayMs: z.number().int().min(0).max(86_400_000).default(0),
});
export type ReplyOption = z.infer<typeof ReplyOptionSchema>;

export const BehaviourSchema = z.object({
  /** Messages offering choices: template quick replies, interactive buttons or lists (e.g. consent prompts). */
  onPrompt: z.array(ReplyOptionSchema).optional(),
  /** Everything else. */
  onMessage: z.array(ReplyOptionSchema).optional(),
  /** Per template name; wins over onPrompt/onMessage. */
  onTemplate: z.record(z.string(), z.array(ReplyOptionSchema)).optional(),
});
export type Behaviour = z.infer<typeof BehaviourSchema>;

export const WaId = z
  .union([z.string().regex(/^\d{6,15}$/, 'digits with country code'), z.number().int()])
  .transform(String);

const customerFields = {
  name: z.string().min(1),
  /** false → every message fails asynchronously with 131026 (without a `sent`). */
  onWhatsApp: z.boolean(),
  /** true → marketing templates fail with 131050. */
  marketingStopped: z.boolean(),
  /** Marketing templates delivered outside a CSW per rolling 24 h before async 131049. */
  marketingCap: z.number().int().min(0).nullable(),
  /** Read receipts on: the ladder goes on to `read`. */
  readsMessages: z.boolean(),
  /** Offline: messages stop at `sent` (never delivered). */
  online: z.boolean(),
  behaviour: BehaviourSchema,
};

export const CustomerSchema = z.object({
  waId: WaId,
  name: customerFields.name.default('Customer'),
  onWhatsApp: customerFields.onWhatsApp.default(true),
  marketingStopped: customerFields.marketingStopped.default(false),
  marketingCap: customerFields.marketingCap.optional(),
  readsMessages: customerFields.readsMessages.default(true),
  online: customerFields.online.default(true),
  behaviour: customerFields.behaviour.default({}),
});
export type Customer = z.infer<typeof CustomerSchema>;

/** A partial update of a customer (control API `setCustomer`). */
export const CustomerPatchSchema = z.object({
  name: customerFields.name.optional(),
  onWhatsApp: customerFields.onWhatsApp.optional(),
  marketingStopped: customerFields.marketingStopped.optional(),
  marketingCap: customerFields.marketingCap.optional(),
  readsMessages: customerFields.readsMessages.optional(),
  online: customerFields.online.optional(),
  behaviour: customerFields.behaviour.optional(),
});
export type CustomerPatch = z.infer<typeof CustomerPatchSchema>;

/** A reply a test makes a customer send right now (control API `customerReply`). */
export const CustomerReplySchema = z.object({
  /**
   * `text` (needs `text`), `button` (template quick reply), `button_reply`/`list_reply` (interactive),
   * or a scripted kind (`yes`, `no`, `first`, `tap`, `stop`, `stop_marketing`) resolved against the message.
   */
  type: z.enum(['text', 'button', 'button_reply', 'list_reply', 'yes', 'no', 'first', 'tap', 'stop', 'stop_marketing']),
  text: z.string().min(1).max(4096).optional(),
  /** Quick-reply payload, or reply/row id; defaults to the tapped choice's. */
  payload: z.string().min(1).optional(),
  /** Title of the choice to tap (button/button_reply/list_reply/tap); defaults to the first. */
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  /** wamid of the message replied to; defaults to the last message the customer received. */
  contextId: z.string().min(1).optional(),
  /** Business number written to; defaults to the sender of the context message. */
  phoneNumberId: z.string().regex(/^\d+$/).optional(),
});
export type CustomerReply = z.infer<typeof CustomerReplySchema>;
