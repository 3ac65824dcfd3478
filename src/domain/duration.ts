/** Durations are one of the shared input schemas (src/domain/safe-input.ts); re-exported under their old home. */
export { durationSchema, MAX_DURATION_MS } from './safe-input';
