/**
 * Small helpers for decoded JSON values. Keys come from clients, so `__proto__` must stay an
 * ordinary key: reads check own properties and writes define them.
 * @module
 */

/** A decoded JSON object. */
export type JSONObject = Record<string, unknown>;

/** True for a JSON object (not null, not a list). */
export function isJSONObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `key` is an own member of `o`. */
export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Deletes the member `key` of `o`. */
export function deleteOwn(o: JSONObject, key: string): void {
  Reflect.deleteProperty(o, key);
}

/** Sets `o[key]` as an own, enumerable member, even for `__proto__`. */
export function setOwn(o: JSONObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    o[key] = value;
  }
}
