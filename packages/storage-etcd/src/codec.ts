/**
 * Objects to and from etcd values: JSON without `metadata.resourceVersion` on the way in, the
 * key's mod revision as `metadata.resourceVersion` on the way out (as kube's APIObjectVersioner).
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@kapi/apimachinery';

/** The JSON stored for `obj`: everything but `metadata.resourceVersion`, key order kept. */
export function encodeObject(obj: KubeObject): string {
  const metadata = obj.metadata;
  return JSON.stringify(obj, function (this: unknown, key: string, value: unknown) {
    return key === 'resourceVersion' && this === metadata ? undefined : value;
  });
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
