/**
 * String helpers that reproduce Go's byte-oriented string semantics, so that sorting and length
 * limits agree with kube-apiserver for any input. Internal: not re-exported from the package.
 * @module
 */

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/**
 * Orders two strings as Go's `<` on strings does (UTF-8 byte order, i.e. code point order).
 * JavaScript's `<` compares UTF-16 units, which puts U+E000..U+FFFF after astral characters.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = isSurrogate(x);
    const ys = isSurrogate(y);
    // a surrogate stands for a code point above U+FFFF, so it sorts after any BMP unit
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The length of a string in UTF-8 bytes, as Go's `len()`. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
