/**
 * Go's `fmt` rendering of decoded JSON values, for error messages that kube builds with `%v`/`%s`.
 * Internal to the patch engines.
 * @module
 */

/** Byte-wise (code point) string order, as Go's `<` on strings. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (an astral code point) sorts after every BMP character, as its UTF-8 bytes do
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * A number as Go's `%v` prints the value JSON decoding gave: integers plainly (kube decodes them as
 * int64), other floats in shortest form with the exponent form below 1e-4 and from 1e6 up.
 */
export function goFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) return String(x);
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  // strconv 'g' with the shortest precision switches to %e outside [1e-4, 1e6)
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = x.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(x);
}

/** A decoded JSON value as Go's `%v` prints the `interface{}` it decodes to. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      compareCodePoints(a, b),
    );
    return `map[${entries.map(([k, x]) => `${k}:${goPrint(x)}`).join(' ')}]`;
  }
  return typeof v === 'bigint' ? v.toString() : '';
}

/** The Go type a decoded JSON value has (`reflect.TypeOf`), as `%s` prints it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** A decoded JSON value as Go's `%s` prints it (non-strings get Go's `%!s(type=value)` form). */
export function goPrintS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'number' || typeof v === 'boolean') return `%!s(${goTypeName(v)}=${goPrint(v)})`;
  return goPrint(v);
}
