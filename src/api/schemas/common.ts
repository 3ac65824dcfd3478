import { patternText } from '../../domain/safe-input';

/** The identifiers every route shares, defined once on top of the shared input schemas (src/domain/safe-input.ts). */
export const graphIdSchema = patternText(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a Meta object id', 64);

/** A WhatsApp id in international format; the leading + is dropped. */
export const waIdSchema = patternText(
  /^\+?[1-9]\d{6,14}$/,
  'must be a phone number in international format, e.g. +14155550123',
  16,
).transform((s) => s.replace(/^\+/, ''));

export const templateNameSchema = patternText(
  /^[a-z0-9_]{1,512}$/,
  'must be a template name (lowercase letters, digits, underscores)',
);

export const languageSchema = patternText(/^[a-z]{2,3}(_[A-Z]{2,4})?$/, 'must be a locale such as en or en_US', 10);
