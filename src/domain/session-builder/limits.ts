/** WhatsApp limits for session messages (docs/meta-cloud-api.md#content-limits), in JS string length. */
export const SESSION_LIMITS = {
  textBody: 4096,
  caption: 1024,
  /** Interactive body; lists use 1024 too (Meta's page says 4096, its OpenAPI and SDKs 1024). */
  interactiveBody: 1024,
  headerText: 60,
  footer: 60,
  replyButtons: 3,
  replyTitle: 20,
  replyId: 256,
  listButton: 20,
  listRows: 10,
  rowTitle: 24,
  rowId: 200,
  rowDescription: 72,
  ctaDisplayText: 20,
} as const;

/** Meta's pair rate limit: about one message every 6 s from a number to the same user. */
export const PAIR_SPACING_MS = 6_000;

export const DEFAULT_LABELS = { call: 'Call', code: 'Code', listButton: 'Choose an option' } as const;
