/**
 * The errors the scheme throws: kube's runtime "not registered" errors (400, they come from a
 * request body) and its RESTMapper "no match" errors (404, they come from a request path).
 * @module
 */
import { badRequest, quote, StatusError } from '../errors.js';
import { apiVersionOf, gvrString, type GroupVersion, type GroupVersionKind } from '../gvk.js';
import type { PartialKind, PartialResource } from './types.js';
import { INTERNAL_VERSION } from './types.js';

/**
 * 400 BadRequest: an object's group, version or kind is not registered in the scheme
 * (k8s.io/apimachinery/pkg/runtime notRegisteredErr).
 */
export class NotRegisteredError extends StatusError {
  constructor(message: string) {
    super(badRequest(message).status);
    this.name = 'NotRegisteredError';
  }
}

/**
 * 404 NotFound: no registered resource or kind matches a lookup
 * (k8s.io/apimachinery/pkg/api/meta NoResourceMatchError / NoKindMatchError).
 */
export class NoMatchError extends StatusError {
  constructor(message: string, details: { group?: string; kind?: string }) {
    super({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'NotFound',
      code: 404,
      details,
    });
    this.name = 'NoMatchError';
  }
}

/** True for a {@link NotRegisteredError}. */
export function isNotRegisteredError(err: unknown): err is NotRegisteredError {
  return err instanceof NotRegisteredError;
}

/** True for a {@link NoMatchError}. */
export function isNoMatchError(err: unknown): err is NoMatchError {
  return err instanceof NoMatchError;
}

// as kube: k8s.io/apimachinery/pkg/runtime/error.go notRegisteredErr.Error
export function notRegisteredKind(scheme: string, gvk: GroupVersionKind): NotRegisteredError {
  if (gvk.kind === '') {
    return new NotRegisteredError(
      `no version ${quote(apiVersionOf(gvk))} has been registered in scheme ${quote(scheme)}`,
    );
  }
  if (gvk.version === INTERNAL_VERSION) {
    return new NotRegisteredError(
      `no kind ${quote(gvk.kind)} is registered for the internal version of group ${quote(gvk.group)} in scheme ${quote(scheme)}`,
    );
  }
  return new NotRegisteredError(
    `no kind ${quote(gvk.kind)} is registered for version ${quote(apiVersionOf(gvk))} in scheme ${quote(scheme)}`,
  );
}

// as kube: k8s.io/apimachinery/pkg/runtime/error.go, a gvk and a target
export function notSuitableForConverting(
  scheme: string,
  from: GroupVersion,
  target: GroupVersion,
): NotRegisteredError {
  return new NotRegisteredError(
    `${quote(apiVersionOf(from))} is not suitable for converting to ${quote(apiVersionOf(target))} in scheme ${quote(scheme)}`,
  );
}

// as kube: k8s.io/apimachinery/pkg/api/meta/errors.go NoResourceMatchError
export function noResourceMatch(partial: PartialResource): NoMatchError {
  const details: { group?: string; kind?: string } = { kind: partial.resource };
  if (partial.group !== undefined && partial.group !== '') details.group = partial.group;
  const gvr = {
    group: partial.group ?? '',
    version: partial.version ?? '',
    resource: partial.resource,
  };
  return new NoMatchError(`no matches for ${gvrString(gvr)}`, details);
}

// as kube: k8s.io/apimachinery/pkg/api/meta/errors.go NoKindMatchError
export function noKindMatch(partial: PartialKind): NoMatchError {
  const details: { group?: string; kind?: string } = { kind: partial.kind };
  if (partial.group !== undefined && partial.group !== '') details.group = partial.group;
  let where = '';
  if (partial.version !== undefined) {
    where = ` in version ${quote(apiVersionOf({ group: partial.group ?? '', version: partial.version }))}`;
  } else if (partial.group !== undefined) {
    where = ` in group ${quote(partial.group)}`;
  }
  return new NoMatchError(`no matches for kind ${quote(partial.kind)}${where}`, details);
}

/** No such group, or no such version of it. */
export function noGroupVersionMatch(group: string, version?: string): NoMatchError {
  const details = group === '' ? {} : { group };
  return version === undefined
    ? new NoMatchError(`no matches for group ${quote(group)}`, details)
    : new NoMatchError(
        `no matches for version ${quote(apiVersionOf({ group, version }))}`,
        details,
      );
}
