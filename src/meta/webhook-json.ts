/**
 * Meta sends a few ids as JSON numbers (`message_template_id`, sometimes `entity_id`) that can exceed
 * Number.MAX_SAFE_INTEGER. JSON.parse would round them, so these keys' integer values are quoted in the raw text
 * before parsing (after the signature was verified over the untouched bytes). A key's quotes can only be
 * unescaped where it is a real key: inside a JSON string they would be written `\"`.
 */
const NUMERIC_ID_KEYS = /"(message_template_id|entity_id)"(\s*):(\s*)(-?\d+)(?=\s*[,}\]])/g;

/** Parses a webhook body with Meta's numeric ids kept exact (as strings). Throws SyntaxError on bad JSON. */
export function parseWebhookJson(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  return JSON.parse(text.replace(NUMERIC_ID_KEYS, '"$1"$2:$3"$4"'));
}
