/**
 * `StatusError` and the factories that build it, one per reason kube-apiserver answers with,
 * worded as k8s.io/apimachinery/pkg/api/errors words them.
 * @module
 */
import type { CauseType, Status, StatusCause, StatusDetails, StatusReason } from './meta/types.js';

/** A group and a resource (plural), e.g. `{ group: 'apps', resource: 'deployments' }`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and a kind, e.g. `{ group: 'apps', kind: 'Deployment' }`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** `configmaps` for the core group, `deployments.apps` otherwise (as `schema.GroupResource.String()`). */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** `ConfigMap` for the core group, `Deployment.apps` otherwise (as `schema.GroupKind.String()`). */
export function groupKindString(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** Go's `%q` for a string: a double-quoted, escaped literal. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * An error that carries a full `metav1.Status`. Handlers throw it; one place in the server turns it
 * into the response body and status code.
 */
export class StatusError extends Error {
  /** The Status returned to the client. */
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.status = status;
  }

  /** The HTTP status code. */
  get code(): number {
    return this.status.code ?? 500;
  }

  /** The machine-readable reason. */
  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

function failure(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details !== undefined) status.details = details;
  return new StatusError(status);
}

function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined && name !== '') details.name = name;
  if (gr.group !== '') details.group = gr.group;
  details.kind = gr.resource;
  return details;
}

/** A `Success` Status, as DELETE returns for kinds that answer with a Status. */
export function successStatus(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details !== undefined) status.details = details;
  return status;
}

/** 404 NotFound: `configmaps "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(
    404,
    'NotFound',
    `${groupResourceString(gr)} ${quote(name)} not found`,
    resourceDetails(gr, name),
  );
}

/** 409 AlreadyExists: `configmaps "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(
    409,
    'AlreadyExists',
    `${groupResourceString(gr)} ${quote(name)} already exists`,
    resourceDetails(gr, name),
  );
}

/** The wording kube-apiserver uses when an update carries a stale resourceVersion. */
export const OPTIMISTIC_LOCK_ERROR_MSG =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 409 Conflict: `Operation cannot be fulfilled on configmaps "x": <why>`. */
export function conflict(
  gr: GroupResource,
  name: string,
  why: string = OPTIMISTIC_LOCK_ERROR_MSG,
  causes?: StatusCause[],
): StatusError {
  const details = resourceDetails(gr, name);
  if (causes !== undefined && causes.length > 0) details.causes = causes;
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResourceString(gr)} ${quote(name)}: ${why}`,
    details,
  );
}

/** The kinds of field error, with the wording and cause type kube gives each (k8s.io/apimachinery/pkg/util/validation/field). */
export const FieldErrorType = {
  NotFound: { text: 'Not found', cause: 'FieldValueNotFound' },
  Required: { text: 'Required value', cause: 'FieldValueRequired' },
  Duplicate: { text: 'Duplicate value', cause: 'FieldValueDuplicate' },
  Invalid: { text: 'Invalid value', cause: 'FieldValueInvalid' },
  NotSupported: { text: 'Unsupported value', cause: 'FieldValueNotSupported' },
  Forbidden: { text: 'Forbidden', cause: 'FieldValueForbidden' },
  TooLong: { text: 'Too long', cause: 'FieldValueTooLong' },
  TooMany: { text: 'Too many', cause: 'FieldValueTooMany' },
  Internal: { text: 'Internal error', cause: 'InternalError' },
  TypeInvalid: { text: 'Invalid value', cause: 'FieldValueTypeInvalid' },
} as const satisfies Record<string, { text: string; cause: CauseType }>;

/** One of {@link FieldErrorType}'s keys. */
export type FieldErrorKind = keyof typeof FieldErrorType;

/** Marks a field error whose value is not worth printing. */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** One validation failure at a field path. */
export interface FieldError {
  kind: FieldErrorKind;
  /** The field path, e.g. `metadata.labels` or `spec.ports[0].name`. */
  field: string;
  /** The offending value; {@link OMIT_VALUE} (or absent) prints none. */
  value?: unknown;
  detail?: string;
}

/** A value printed exactly as given, for values Go prints in a form of its own (e.g. `0x0` for a uint64 zero). */
export class GoPrinted {
  constructor(readonly text: string) {}
}

function printValue(value: unknown): string {
  if (value instanceof GoPrinted) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The part of a field error after the path, e.g. `Invalid value: "Foo": must be lower case`. */
export function fieldErrorBody(err: FieldError): string {
  const { text } = FieldErrorType[err.kind];
  const bare =
    err.kind === 'Required' ||
    err.kind === 'Forbidden' ||
    err.kind === 'TooLong' ||
    err.kind === 'Internal' ||
    !('value' in err) ||
    err.value === OMIT_VALUE;
  let s = bare ? text : `${text}: ${printValue(err.value)}`;
  if (err.detail !== undefined && err.detail !== '') s += `: ${err.detail}`;
  return s;
}

/** `metadata.name: Invalid value: "Foo": …`, as `field.Error.Error()`. */
export function fieldErrorString(err: FieldError): string {
  return `${err.field}: ${fieldErrorBody(err)}`;
}

/** Builders for {@link FieldError}s, named as in k8s.io/apimachinery/pkg/util/validation/field. */
export const fieldError = {
  required: (field: string, detail = ''): FieldError => ({ kind: 'Required', field, detail }),
  invalid: (field: string, value: unknown, detail = ''): FieldError => ({
    kind: 'Invalid',
    field,
    value,
    detail,
  }),
  notFound: (field: string, value: unknown): FieldError => ({ kind: 'NotFound', field, value }),
  duplicate: (field: string, value: unknown): FieldError => ({ kind: 'Duplicate', field, value }),
  forbidden: (field: string, detail: string): FieldError => ({ kind: 'Forbidden', field, detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    kind: 'NotSupported',
    field,
    value,
    detail:
      supported.length > 0 ? `supported values: ${supported.map((v) => quote(v)).join(', ')}` : '',
  }),
  tooLong: (field: string, value: unknown, maxLength: number): FieldError => ({
    kind: 'TooLong',
    field,
    value,
    detail: `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    kind: 'TooMany',
    field,
    value: actual,
    detail: `must have at most ${max} ${max === 1 ? 'item' : 'items'}`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    kind: 'TypeInvalid',
    field,
    value,
    detail,
  }),
  internal: (field: string, detail: string): FieldError => ({ kind: 'Internal', field, detail }),
};

/** Go's aggregate error text: one message alone, several as `[a, b]`, duplicates dropped. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** 422 Invalid: `ConfigMap "x" is invalid: metadata.name: Invalid value: …`, one cause per field error. */
export function invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errors.map((e) => ({
    reason: FieldErrorType[e.kind].cause,
    message: fieldErrorBody(e),
    field: e.field,
  }));
  const details: StatusDetails = {};
  if (name !== '') details.name = name;
  if (gk.group !== '') details.group = gk.group;
  details.kind = gk.kind;
  details.causes = causes;
  const message =
    errors.length === 0
      ? `${groupKindString(gk)} ${quote(name)} is invalid`
      : `${groupKindString(gk)} ${quote(name)} is invalid: ${aggregate(errors.map(fieldErrorString))}`;
  return failure(422, 'Invalid', message, details);
}

/** 400 BadRequest with the given message. */
export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 401 Unauthorized. */
export function unauthorized(message = 'Unauthorized'): StatusError {
  return failure(401, 'Unauthorized', message);
}

/** 403 Forbidden: `configmaps "x" is forbidden: <why>` (or without the name). */
export function forbidden(gr: GroupResource, name: string, why: string): StatusError {
  const subject =
    name === '' ? groupResourceString(gr) : `${groupResourceString(gr)} ${quote(name)}`;
  return failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, resourceDetails(gr, name));
}

/** 403 Forbidden for a non-resource path: `forbidden: User "u" cannot get path "/x"`. */
export function forbiddenPath(why: string): StatusError {
  return failure(403, 'Forbidden', `forbidden: ${why}`, {});
}

/** 405 MethodNotAllowed: `create is not supported on resources of kind "configmaps"`. */
export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind ${quote(groupResourceString(gr))}`,
    resourceDetails(gr),
  );
}

/** 406 NotAcceptable: `only the following media types are accepted: …`. */
export function notAcceptable(accepted: readonly string[]): StatusError {
  return failure(
    406,
    'NotAcceptable',
    `only the following media types are accepted: ${accepted.join(', ')}`,
  );
}

/** 415 UnsupportedMediaType for a request body in a format the endpoint does not read. */
export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 413 RequestEntityTooLarge: `Request entity too large: <why>`. */
export function requestEntityTooLarge(why: string): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${why}`);
}

/** 410 Gone. */
export function gone(message: string): StatusError {
  return failure(410, 'Gone', message);
}

/** 410 Expired, as a watch or continue token from a compacted revision gets. */
export function resourceExpired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** 429 TooManyRequests with `details.retryAfterSeconds`. */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** 504 Timeout: `Timeout: <why>`. */
export function timeout(why: string, retryAfterSeconds = 0): StatusError {
  return failure(
    504,
    'Timeout',
    `Timeout: ${why}`,
    retryAfterSeconds > 0 ? { retryAfterSeconds } : {},
  );
}

/** 500 ServerTimeout: the operation could not be completed in time and may be retried. */
export function serverTimeout(
  gr: GroupResource,
  operation: string,
  retryAfterSeconds: number,
): StatusError {
  return failure(
    500,
    'ServerTimeout',
    `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`,
    { ...resourceDetails(gr), retryAfterSeconds },
  );
}

/**
 * 504 Timeout with cause `ResourceVersionTooLarge`, for a read at a revision the store has not reached
 * (as k8s.io/apiserver pkg/storage NewTooLargeResourceVersionError).
 */
export function tooLargeResourceVersion(
  requested: number | bigint,
  current: number | bigint,
  retryAfterSeconds = 1,
): StatusError {
  const err = timeout(
    `Too large resource version: ${requested}, current: ${current}`,
    retryAfterSeconds,
  );
  err.status.details = {
    ...err.status.details,
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
  };
  return err;
}

/** 503 ServiceUnavailable. */
export function serviceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

/** 500 InternalError: `Internal error occurred: <why>`. */
export function internalError(cause: unknown): StatusError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return failure(500, 'InternalError', `Internal error occurred: ${text}`, {
    causes: [{ message: text }],
  });
}

/** The Status for any thrown value: a StatusError's own, anything else as a 500 InternalError. */
export function toStatus(err: unknown): Status {
  return err instanceof StatusError ? err.status : internalError(err).status;
}

/** The reason of a StatusError, `''` for anything else. */
export function reasonForError(err: unknown): StatusReason {
  return err instanceof StatusError ? err.reason : '';
}

function hasReason(reason: StatusReason): (err: unknown) => boolean {
  return (err) => err instanceof StatusError && err.reason === reason;
}

/** True for a 404 NotFound StatusError. */
export const isNotFound = hasReason('NotFound');
/** True for a 409 AlreadyExists StatusError. */
export const isAlreadyExists = hasReason('AlreadyExists');
/** True for a 409 Conflict StatusError. */
export const isConflict = hasReason('Conflict');
/** True for a 422 Invalid StatusError. */
export const isInvalid = hasReason('Invalid');
/** True for a 400 BadRequest StatusError. */
export const isBadRequest = hasReason('BadRequest');
/** True for a 401 Unauthorized StatusError. */
export const isUnauthorized = hasReason('Unauthorized');
/** True for a 403 Forbidden StatusError. */
export const isForbidden = hasReason('Forbidden');
/** True for a 405 MethodNotAllowed StatusError. */
export const isMethodNotSupported = hasReason('MethodNotAllowed');
/** True for a 406 NotAcceptable StatusError. */
export const isNotAcceptable = hasReason('NotAcceptable');
/** True for a 415 UnsupportedMediaType StatusError. */
export const isUnsupportedMediaType = hasReason('UnsupportedMediaType');
/** True for a 413 RequestEntityTooLarge StatusError. */
export const isRequestEntityTooLarge = hasReason('RequestEntityTooLarge');
/** True for a 410 Gone StatusError. */
export const isGone = hasReason('Gone');
/** True for a 410 Expired StatusError. */
export const isResourceExpired = hasReason('Expired');
/** True for a 429 TooManyRequests StatusError. */
export const isTooManyRequests = hasReason('TooManyRequests');
/** True for a 504 Timeout StatusError. */
export const isTimeout = hasReason('Timeout');
/** True for a 500 ServerTimeout StatusError. */
export const isServerTimeout = hasReason('ServerTimeout');
/** True for a 503 ServiceUnavailable StatusError. */
export const isServiceUnavailable = hasReason('ServiceUnavailable');
/** True for a 500 InternalError StatusError. */
export const isInternalError = hasReason('InternalError');

/** True for the 504 that a read beyond the store's current revision gets. */
export function isTooLargeResourceVersion(err: unknown): boolean {
  return (
    isTimeout(err) &&
    (err as StatusError).status.details?.causes?.some(
      (c) => c.reason === 'ResourceVersionTooLarge',
    ) === true
  );
}
