/**
 * `[]byte` fields (Secret.data, ConfigMap.binaryData) as kube decodes them from JSON: base64 by
 * Go's `encoding/base64.StdEncoding` rules, where a bad value fails the whole body with
 * `illegal base64 data at input byte N`, and the stored value is re-encoded canonically.
 * @module
 */
import { gvkOf, transformDecodeError } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d;
const LF = 0x0a;
const CR = 0x0d;

/** The outcome of decoding: the bytes, or the offset Go's `CorruptInputError` reports. */
export type Base64Result = { bytes: Buffer } | { corruptAt: number };

/**
 * Decodes base64 exactly as Go's `base64.StdEncoding.Decode` accepts it (padding required, CR and
 * LF ignored, trailing garbage after padding rejected), reporting the same byte offset Go does on
 * failure (as Go: encoding/base64 base64.go decodeQuantum).
 */
export function decodeGoBase64(text: string): Base64Result {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    let trailing: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(out) };
        return { corruptAt: si - j };
      }
      const c = src[si]!;
      si++;
      const value = DECODE[c]!;
      if (value >= 0) {
        quantum[j] = value;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return { corruptAt: si - 1 };
      if (j === 2) {
        // "==" is expected: the second '=' may follow newlines
        while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
        if (si === src.length) return { corruptAt: src.length };
        if (src[si] !== PAD) return { corruptAt: si - 1 };
        si++;
      }
      while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
      if (si < src.length) trailing = si;
      length = j;
      break;
    }
    const v = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    out.push((v >> 16) & 0xff);
    if (length >= 3) out.push((v >> 8) & 0xff);
    if (length === 4) out.push(v & 0xff);
    if (trailing !== undefined) return { corruptAt: trailing };
  }
  return { bytes: Buffer.from(out) };
}

/**
 * Checks and canonicalizes a `map[string][]byte` field in place. A value Go would not decode is
 * kube's 400: `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input
 * byte 4` (as kube: k8s.io/apiserver pkg/endpoints/handlers rest.go transformDecodeError).
 */
export function canonicalizeBytesMap(obj: KubeObject, field: string): void {
  const map = obj[field];
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return;
  const values = map as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue; // the schema reports a wrong type as 422
    const decoded = decodeGoBase64(value);
    if ('corruptAt' in decoded) {
      const gvk = gvkOf(obj);
      throw transformDecodeError(
        `illegal base64 data at input byte ${decoded.corruptAt}`,
        gvk.kind,
        '',
        gvk,
      );
    }
    values[key] = decoded.bytes.toString('base64');
  }
}
