/**
 * Objects in and out of the log: stored JSON never carries a resourceVersion; every object handed
 * out is freshly decoded (so it never aliases anything the store keeps) and carries the revision
 * it was last written at.
 * @module
 */
import type { KubeObject, ObjectMeta, Preconditions } from '@kapi/apimachinery';
import { StorageError } from '@kapi/storage';

/**
 * The JSON to store for `obj`: the object without `metadata.resourceVersion` and
 * `metadata.selfLink` (as kube's APIObjectVersioner.PrepareObjectForStorage), key order kept.
 * Anything that is not a JSON object is an `InvalidObj`.
 */
export function encodeForStorage(key: string, obj: KubeObject): string {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw StorageError.invalidObj(key, 'the object to store must be a JSON object');
  }
  const metadata: unknown = obj.metadata;
  if (
    metadata !== undefined &&
    (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
  ) {
    throw StorageError.invalidObj(key, 'metadata must be a JSON object');
  }
  let stored: KubeObject = obj;
  if (metadata !== undefined && ('resourceVersion' in metadata || 'selfLink' in metadata)) {
    const { resourceVersion: _rv, selfLink: _selfLink, ...rest } = metadata as ObjectMeta;
    stored = { ...obj };
    stored.metadata = rest;
  }
  try {
    return JSON.stringify(stored);
  } catch (err) {
    throw StorageError.invalidObj(
      key,
      `the object is not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** A fresh object from stored JSON, with `metadata.resourceVersion` set to `revision`. */
export function decodeAt(value: string, revision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  (obj.metadata ??= {}).resourceVersion = String(revision);
  return obj;
}

/** The revision an object says it is at, or undefined when it carries none or a malformed one. */
export function revisionOf(obj: KubeObject | undefined): number | undefined {
  const rv = obj?.metadata?.resourceVersion;
  if (rv === undefined || !/^\d+$/.test(rv)) return undefined;
  const n = Number(rv);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Deep equality of two JSON values, ignoring object key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  const ao = a as Record<string, unknown>;
  return ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** True when two stored JSON texts hold the same object. */
export function sameStoredValue(a: string, b: string): boolean {
  return a === b || jsonEqual(JSON.parse(a), JSON.parse(b));
}

/**
 * Checks update/delete preconditions against the current object, worded as kube
 * (k8s.io/apiserver pkg/storage interfaces.go Preconditions.Check). Throws `InvalidObj`.
 */
export function checkPreconditions(
  key: string,
  preconditions: Preconditions | undefined,
  obj: KubeObject | undefined,
): void {
  if (preconditions === undefined) return;
  const uid = obj?.metadata?.uid ?? '';
  if (preconditions.uid !== undefined && preconditions.uid !== uid) {
    throw StorageError.invalidObj(
      key,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`,
    );
  }
  const rv = obj?.metadata?.resourceVersion ?? '';
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== rv) {
    throw StorageError.invalidObj(
      key,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
}
