/**
 * Serialises like Meta does for webhooks: JSON with every code unit above U+007F written as `\uXXXX` (surrogate
 * pairs as two escapes). Receivers that re-serialise parsed JSON before checking the signature get different
 * bytes, which is exactly the bug this reproduces.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
