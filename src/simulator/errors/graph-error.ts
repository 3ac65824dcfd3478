import { ERROR_DOCS_HREF, errorSpec } from './catalog';

/** A synchronous Graph API error: everything needed to answer with Meta's envelope (§4.1). */
export class GraphError extends Error {
  readonly httpStatus: number;
  readonly type: string;

  constructor(
    readonly code: number,
    readonly details?: string,
    readonly options: {
      subcode?: number;
      message?: string;
      httpStatus?: number;
      type?: string;
      noErrorData?: boolean;
    } = {},
  ) {
    const spec = errorSpec(code);
    super(options.message ?? `(#${code}) ${spec.title}`);
    this.httpStatus = options.httpStatus ?? spec.httpStatus;
    this.type = options.type ?? spec.type ?? 'OAuthException';
  }

  /** Meta's JSON body: `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`. */
  toEnvelope(fbtraceId: string): GraphErrorEnvelope {
    const error: GraphErrorEnvelope['error'] = { message: this.message, type: this.type, code: this.code };
    if (this.options.subcode !== undefined) error.error_subcode = this.options.subcode;
    if (this.details !== undefined && !this.options.noErrorData) {
      error.error_data = { messaging_product: 'whatsapp', details: this.details };
    }
    error.fbtrace_id = fbtraceId;
    return { error };
  }
}

export interface GraphErrorEnvelope {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id?: string;
  };
}

/** The error item Meta puts in `statuses[].errors[]` of a `failed` status webhook (§4.2). */
export interface AsyncErrorItem {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export function asyncErrorItem(code: number, details?: string): AsyncErrorItem {
  const { title } = errorSpec(code);
  return { code, title, message: title, error_data: { details: details ?? title }, href: ERROR_DOCS_HREF };
}

/** Unknown or inaccessible Graph object: HTTP 400, code 100, subcode 33 (never a 404 — clients key on this). */
export function unknownObject(id: string, method: 'get' | 'post'): GraphError {
  return new GraphError(100, `Object with ID '${id}' does not exist`, {
    subcode: 33,
    type: 'GraphMethodException',
    message:
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
      'permissions, or does not support this operation. Please read the Graph API documentation at ' +
      'https://developers.facebook.com/docs/graph-api',
    noErrorData: true,
  });
}
