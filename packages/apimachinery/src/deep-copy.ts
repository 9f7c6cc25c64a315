/**
 * Deep copies of JSON-shaped values (what every API object is), as kube's generated DeepCopy.
 * @module
 */

/**
 * A deep copy of a JSON-shaped value: fresh objects and arrays, shared primitives (strings are
 * immutable). About five times faster than `structuredClone`, which serializes; values that are
 * not JSON-shaped (Dates, Maps, class instances) are copied as plain objects of their own
 * enumerable properties, so give it API objects only.
 */
export function deepCopyJson<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = copyValue(value[i]);
    return out;
  }
  // a spread copies the own properties in one step (faster than one by one); nested objects
  // and arrays are then replaced by their copies
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = { ...source };
  for (const key in source) {
    const nested = source[key];
    if (typeof nested !== 'object' || nested === null) continue;
    if (key === '__proto__') {
      // an assignment would change the copy's prototype instead
      Object.defineProperty(out, key, {
        value: copyValue(nested),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = copyValue(nested);
    }
  }
  return out;
}
