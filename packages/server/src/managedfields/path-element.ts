/**
 * Path elements of field sets (PATCH-APPLY.md B2): their order, their human form (as error
 * messages print paths) and their FieldsV1 keys (B3.1), as sigs.k8s.io/structured-merge-diff
 * fieldpath and value define them.
 * @module
 */
import { compareCodePoints, goFloat } from '../patch/go-format.js';
import { hasOwn, isJSONObject } from '../patch/json-util.js';

/** One step of a path: a map key, a list-map element, a set element, or a list position. */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

/** A path from the root of an object. */
export type Path = readonly PathElement[];

/** A field element. */
export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** A key element; the fields are sorted by name. */
export function keyElement(fields: Iterable<readonly [string, unknown]>): PathElement {
  return { kind: 'key', fields: [...fields].sort(([a], [b]) => compareCodePoints(a, b)) };
}

/** A value (set element) element. */
export function valueElement(value: unknown): PathElement {
  return { kind: 'value', value };
}

/** An index element. */
export function indexElement(index: number): PathElement {
  return { kind: 'index', index };
}

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isJSONObject(v)) return 4;
  return 5; // null
}

/** The order of values (B2 rule 4): number < string < boolean < list < map < null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareCodePoints(a as string, b as string);
    case 2:
      return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length === lb.length ? 0 : la.length < lb.length ? -1 : 1;
    }
    case 4: {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const ka = Object.keys(ma).sort(compareCodePoints);
      const kb = Object.keys(mb).sort(compareCodePoints);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const c = compareCodePoints(ka[i]!, kb[i]!) || compareValues(ma[ka[i]!], mb[kb[i]!]);
        if (c !== 0) return c;
      }
      return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
    }
    default:
      return 0;
  }
}

/** Deep equality of JSON values, numbers compared numerically. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isJSONObject(a) && isJSONObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => hasOwn(b, k) && valuesEqual(a[k], b[k]))
    );
  }
  return false;
}

const KIND_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

/** The order of path elements (B2): field < key < value < index, then within each kind. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_RANK[a.kind] < KIND_RANK[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareCodePoints(a.name, (b as typeof a).name);
    case 'key': {
      const fb = (b as typeof a).fields;
      for (let i = 0; i < Math.min(a.fields.length, fb.length); i++) {
        const [na, va] = a.fields[i]!;
        const [nb, vb] = fb[i]!;
        const c = compareCodePoints(na, nb) || compareValues(va, vb);
        if (c !== 0) return c;
      }
      return a.fields.length === fb.length ? 0 : a.fields.length < fb.length ? -1 : 1;
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index': {
      const ib = (b as typeof a).index;
      return a.index < ib ? -1 : a.index > ib ? 1 : 0;
    }
  }
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** A string as Go's `%q` (strconv.Quote) writes it. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A value as structured-merge-diff's value.ToString prints it inside a path. */
export function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  const m = v as Record<string, unknown>;
  return Object.keys(m)
    .sort(compareCodePoints)
    .map((k) => `${k}=${valueString(m[k])}`)
    .join('');
}

/** The human form of one element: `.name`, `[name="main"]`, `[="blue"]`, `[3]`. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** The human form of a path, e.g. `.spec.containers[name="main"].image`. */
export function pathString(path: Path): string {
  return path.map(pathElementString).join('');
}

// --- FieldsV1 keys -------------------------------------------------------------------------

const HEX = '0123456789abcdef';

/**
 * A string as the JSON encoder of structured-merge-diff (json-iterator, standard-library mode)
 * writes it; `html` also escapes `<`, `>`, `&`, U+2028 and U+2029 as values are.
 */
function jsonString(s: string, html: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20) out += `\\u00${HEX[cp >> 4]}${HEX[cp & 0xf]}`;
    else if (html && (ch === '<' || ch === '>' || ch === '&')) {
      out += `\\u00${cp.toString(16)}`;
    } else if (html && (cp === 0x2028 || cp === 0x2029)) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A value as compact JSON the way structured-merge-diff serializes it inside `k:` and `v:` keys. */
export function keyValueJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v, true);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`unsupported value: ${v}`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(keyValueJSON).join(',')}]`;
  const m = v as Record<string, unknown>;
  return `{${Object.keys(m)
    .sort(compareCodePoints)
    .map((k) => `${jsonString(k, true)}:${keyValueJSON(m[k])}`)
    .join(',')}}`;
}

/** The FieldsV1 key of an element: `f:name`, `k:{"name":"main"}`, `v:"blue"`, `i:3`. */
export function serializePathElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      // key field names are written without HTML escaping, their values with it
      return `k:{${pe.fields.map(([n, v]) => `${jsonString(n, false)}:${keyValueJSON(v)}`).join(',')}}`;
    case 'value':
      return `v:${keyValueJSON(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** A FieldsV1 key that cannot be parsed (B3.2). */
export class FieldsV1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldsV1Error';
  }
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FieldsV1Error(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Parses a FieldsV1 key (B3.2). Returns undefined for an unknown type letter, which the caller
 * skips with its subtree (forward compatibility).
 */
export function parsePathElement(key: string): PathElement | undefined {
  if (key.length < 2) throw new FieldsV1Error('key must be 2 characters long:');
  if (key[1] !== ':') throw new FieldsV1Error(`missing colon: ${key}`);
  const rest = key.slice(2);
  switch (key[0]) {
    case 'f':
      return fieldElement(rest);
    case 'v':
      return valueElement(parseJSON(rest));
    case 'k': {
      const fields = parseJSON(rest);
      if (!isJSONObject(fields)) throw new FieldsV1Error(`key element is not an object: ${key}`);
      return keyElement(Object.entries(fields));
    }
    case 'i': {
      // Go's strconv.Atoi
      if (!/^[+-]?\d+$/.test(rest) || !Number.isSafeInteger(Number(rest))) {
        throw new FieldsV1Error(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`);
      }
      return indexElement(Number(rest));
    }
    default:
      return undefined;
  }
}
