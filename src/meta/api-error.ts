/** A Graph API call that did not succeed. Classification happens in error-classification.ts, not here. */
export class MetaApiError extends Error {
  constructor(
    message: string,
    public readonly httpStatus: number | undefined,
    public readonly body: unknown,
    public readonly headers: Record<string, string | undefined> = {},
    /** For a network error (no HTTP response): whether the request may have reached Meta. */
    public readonly mayHaveReachedMeta?: boolean,
  ) {
    super(message);
    this.name = 'MetaApiError';
  }
}
