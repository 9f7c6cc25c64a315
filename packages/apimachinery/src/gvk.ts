/**
 * Group, version, kind and resource identifiers (k8s.io/apimachinery/pkg/runtime/schema).
 * @module
 */
import { badRequest } from './errors.js';

/** A group and version; the core group is `''`. */
export interface GroupVersion {
  group: string;
  version: string;
}

/** Identifies a kind at a version, e.g. `apps/v1 Deployment`. */
export interface GroupVersionKind extends GroupVersion {
  kind: string;
}

/** Identifies a resource (plural, lower case) at a version, e.g. `apps/v1 deployments`. */
export interface GroupVersionResource extends GroupVersion {
  resource: string;
}

/** `v1` for the core group, `apps/v1` otherwise: the form `apiVersion` takes. */
export function apiVersionOf(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Parses an `apiVersion` (`v1`, `apps/v1`) into a group and version; anything else is a 400. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const parts = apiVersion.split('/');
  if (parts.length === 1 && parts[0] !== '') return { group: '', version: parts[0]! };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
    return { group: parts[0]!, version: parts[1]! };
  }
  throw badRequest(`unexpected GroupVersion string: ${apiVersion}`);
}

/** `apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for the core group), as Go prints a GroupVersionKind. */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** `apps/v1, Resource=deployments` (`/v1, Resource=pods` for the core group), as Go prints a GroupVersionResource. */
export function gvrString(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}
