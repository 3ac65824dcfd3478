/** A Graph API call that did not succeed. Classification happens in error-classification.ts, not here. */
export class MetaApiError extends Error {
  constructor(
    message: string,
    public readonly httpStatus: number | undefined,
    public readonly body: unknown,
    public readonly headers: Record<string, string | undefined> = {},
  ) {
    super(message);
    this.name = 'MetaApiError';
  }
}
