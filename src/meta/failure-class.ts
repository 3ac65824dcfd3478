import type { FailureClass, FailureKind } from '../domain/failure';
import { MetaApiError } from './api-error';
import { classifyMetaError, type AsyncMetaErrorInput, type MetaErrorClass } from './error-classification';

/** The compact, JSON-safe form of a classification that travels through Temporal and into attempt rows. */
export function toFailureClass(cls: MetaErrorClass): FailureClass {
  return {
    kind: cls.kind,
    code: cls.code ?? undefined,
    resource: 'resource' in cls ? cls.resource : undefined,
    scope: 'scope' in cls ? cls.scope : undefined,
    retryAfterMs: 'retryAfterMs' in cls ? cls.retryAfterMs : undefined,
    reason: cls.reason,
  };
}

/** A Graph API call's error (a send, a registry read), classified once; undefined for anything else. */
export function classifyGraphError(err: unknown): MetaErrorClass | undefined {
  if (!(err instanceof MetaApiError)) return undefined;
  return classifyMetaError(
    err.httpStatus === undefined
      ? { networkError: err.message }
      : { httpStatus: err.httpStatus, body: err.body, headers: err.headers },
  );
}

/**
 * A `failed` status webhook's first error, classified. A failed status without an error item is Meta's generic
 * 131000 ("something went wrong"): transient.
 */
export function classifyStatusFailure(first: AsyncMetaErrorInput | undefined): FailureClass {
  return toFailureClass(classifyMetaError(first ?? { code: 131000 }));
}

/** Compile time: the classifier's kinds are exactly the domain's failure kinds (one vocabulary, not two). */
type SameKinds = [MetaErrorClass['kind']] extends [FailureKind]
  ? [FailureKind] extends [MetaErrorClass['kind']]
    ? true
    : never
  : never;
const _sameKinds: SameKinds = true;
