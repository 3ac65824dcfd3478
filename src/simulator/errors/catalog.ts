/**
 * Meta's error codes as the simulator answers them: title (the text after "(#code)"), HTTP status (Meta's
 * Nov 2025 table, docs/meta-cloud-api.md#errors) and whether an async failure normally arrives *without* a prior
 * `sent` status (131049/131026 and friends never reach the device, so Meta never reports them sent).
 */
export interface ErrorSpec {
  title: string;
  httpStatus: number;
  /** Graph error `type`; almost always OAuthException. */
  type?: string;
  /** Async failures of this code are reported as `failed` without a preceding `sent`. */
  failsBeforeSent?: boolean;
  /** Transient throttles: the response carries X-Business-Use-Case-Usage like Meta's. */
  throttle?: boolean;
}

export const ERROR_CATALOG: Readonly<Record<number, ErrorSpec>> = {
  0: { title: 'AuthException', httpStatus: 401 },
  1: { title: 'API Unknown', httpStatus: 400 },
  2: { title: 'API Service', httpStatus: 503 },
  3: { title: 'API Method', httpStatus: 500 },
  4: { title: 'API Too Many Calls', httpStatus: 400, throttle: true },
  10: { title: 'Permission Denied', httpStatus: 403 },
  33: { title: 'Parameter value is not valid', httpStatus: 400, type: 'GraphMethodException' },
  100: { title: 'Invalid parameter', httpStatus: 400 },
  190: { title: 'Access token has expired', httpStatus: 401 },
  200: { title: 'API Permission', httpStatus: 403 },
  368: { title: 'Temporarily blocked for policies violations', httpStatus: 403 },
  2500: { title: 'Unknown path components', httpStatus: 400 },
  80007: { title: 'Rate limit issues', httpStatus: 400, throttle: true },
  130429: { title: 'Rate limit hit', httpStatus: 400, throttle: true },
  130472: { title: "User's number is part of an experiment", httpStatus: 400, failsBeforeSent: true },
  130497: { title: 'Business account is restricted from messaging users in this country', httpStatus: 403 },
  131000: { title: 'Something went wrong', httpStatus: 500 },
  131005: { title: 'Access denied', httpStatus: 403 },
  131008: { title: 'Required parameter is missing', httpStatus: 400 },
  131009: { title: 'Parameter value is not valid', httpStatus: 400 },
  131016: { title: 'Service unavailable', httpStatus: 503 },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400 },
  131026: { title: 'Message undeliverable', httpStatus: 400, failsBeforeSent: true },
  131031: { title: 'Account has been locked', httpStatus: 403 },
  131037: { title: 'WhatsApp provided number needs display name approval before message can be sent', httpStatus: 400 },
  131042: { title: 'Business eligibility payment issue', httpStatus: 400 },
  131045: { title: 'Incorrect certificate', httpStatus: 500 },
  131047: { title: 'Re-engagement message', httpStatus: 400 },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, throttle: true },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    httpStatus: 400,
    failsBeforeSent: true,
  },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    httpStatus: 400,
    failsBeforeSent: true,
  },
  131051: { title: 'Unsupported message type', httpStatus: 400 },
  131052: { title: 'Media download error', httpStatus: 400 },
  131053: { title: 'Media upload error', httpStatus: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', httpStatus: 400, throttle: true },
  131057: { title: 'Account in maintenance mode', httpStatus: 500 },
  131064: { title: 'Messaging limit reached due to template mis-classification', httpStatus: 400 },
  132000: { title: 'Number of parameters does not match the expected number of params', httpStatus: 400 },
  132001: { title: 'Template name does not exist in the translation', httpStatus: 404 },
  132005: { title: 'Translated text too long', httpStatus: 400 },
  132007: { title: 'Template Format Character Policy Violated', httpStatus: 400 },
  132012: { title: 'Parameter format does not match format in the created template', httpStatus: 400 },
  132015: { title: 'Template is Paused', httpStatus: 400 },
  132016: { title: 'Template is Disabled', httpStatus: 400 },
  133004: { title: 'Server temporarily unavailable', httpStatus: 503 },
  133010: { title: 'Account not registered', httpStatus: 400 },
  135000: { title: 'Generic user error', httpStatus: 400 },
};

/** The spec of a code; unknown codes (any integer may be injected) get a generic 400. */
export function errorSpec(code: number): ErrorSpec {
  return ERROR_CATALOG[code] ?? { title: `Simulated error ${code}`, httpStatus: 400 };
}

export const ERROR_DOCS_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';
