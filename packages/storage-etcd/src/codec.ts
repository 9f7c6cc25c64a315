/**
 * Objects to and from etcd values: JSON without `metadata.resourceVersion` on the way in, the
 * key's mod revision as `metadata.resourceVersion` on the way out (as kube's APIObjectVersioner).
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@kapi/apimachinery';
import { StorageError } from '@kapi/storage';

/** Metadata fields never stored (as kube's APIObjectVersioner.PrepareObjectForStorage). */
const unstoredMetadata = new Set(['resourceVersion', 'selfLink']);

/**
 * The JSON stored for `obj`: everything but `metadata.resourceVersion` and `metadata.selfLink`,
 * key order kept. What is not a JSON object is `InvalidObj`.
 */
export function encodeObject(key: string, obj: KubeObject): string {
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
  try {
    return JSON.stringify(obj, function (this: unknown, field: string, value: unknown) {
      return this === metadata && unstoredMetadata.has(field) ? undefined : value;
    });
  } catch (err) {
    throw StorageError.invalidObj(
      key,
      `the object is not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** A fresh object decoded from stored JSON, stamped with `revision` as its resourceVersion. */
export function decodeObject(data: string | Buffer, revision: number | string): KubeObject {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('stored value is not a JSON object');
  }
  const obj = parsed as KubeObject;
  const metadata = typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {};
  metadata.resourceVersion = String(revision);
  obj.metadata = metadata;
  return obj;
}

/** True when two stored encodings describe the same object (key order does not matter). */
export function sameStoredObject(a: string, b: string): boolean {
  return a === b || isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
}
