/**
 * go-yaml v2's view of YAML 1.1 scalars, which is what Kubernetes reads YAML with
 * (sigs.k8s.io/yaml on go.yaml.in/yaml/v2), plus the Go number formatting and map-key order its
 * encoder uses. Internal to the YAML codec.
 * @module
 */

/** A scalar as go-yaml v2 resolves it. `int` keeps the exact integer for key stringification. */
export type Resolved =
  | { tag: 'str'; value: string }
  | { tag: 'null'; value: null }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int'; value: bigint; unsigned: boolean }
  | { tag: 'float'; value: number }
  | { tag: 'timestamp'; value: string };

const STR = (value: string): Resolved => ({ tag: 'str', value });

// as go-yaml v2 resolve.go resolveMapList
const RESOLVE_MAP = new Map<string, Resolved>();
for (const [tag, value, words] of [
  ['bool', true, 'y Y yes Yes YES true True TRUE on On ON'],
  ['bool', false, 'n N no No NO false False FALSE off Off OFF'],
  ['null', null, '~ null Null NULL'],
  ['float', NaN, '.nan .NaN .NAN'],
  ['float', Infinity, '.inf .Inf .INF +.inf +.Inf +.INF'],
  ['float', -Infinity, '-.inf -.Inf -.INF'],
] as const) {
  for (const word of words.split(' ')) RESOLVE_MAP.set(word, { tag, value } as Resolved);
}
RESOLVE_MAP.set('', { tag: 'null', value: null });

// go-yaml v2 resolve.go resolveTable: which first characters may start a non-string
function hintOf(s: string): 'M' | 'D' | 'S' | '.' | '' {
  if (s === '') return 'M';
  const c = s.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return 'D';
  if (c === 0x2b || c === 0x2d) return 'S';
  if (c === 0x2e) return '.';
  return 'yYnNtTfFoO~'.includes(s[0]!) ? 'M' : '';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

// Go strconv.ParseInt(s, 0, 64) syntax, after go-yaml removed the underscores
const GO_INT =
  /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|([1-9][0-9]*|0))$/;

/** Go's ParseInt/ParseUint with base 0: `undefined` on a syntax error, the exact value otherwise. */
function goParseInteger(s: string): bigint | undefined {
  const m = GO_INT.exec(s);
  if (m === null) return undefined;
  const [, sign, hex, oct, bin, legacyOct, dec] = m;
  let v: bigint;
  if (hex !== undefined) v = BigInt(`0x${hex}`);
  else if (oct !== undefined) v = BigInt(`0o${oct}`);
  else if (bin !== undefined) v = BigInt(`0b${bin}`);
  else if (legacyOct !== undefined) v = BigInt(`0o${legacyOct}`);
  else v = BigInt(dec!);
  return sign === '-' ? -v : v;
}

// go-yaml v2 resolve.go yamlStyleFloat
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// what Go's strconv.ParseFloat accepts of a string that starts with '.'
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const SMALL_DECIMAL = /^[+-]?[1-9][0-9]{0,14}$/;

// the layouts go-yaml v2 tries in parseTimestamp, as regular expressions
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?$/;

function resolveNumber(s: string): Resolved | undefined {
  // fast path for the common case: a short decimal integer
  if (SMALL_DECIMAL.test(s)) return { tag: 'int', value: BigInt(s), unsigned: false };
  if (TIMESTAMP.test(s)) return { tag: 'timestamp', value: s };
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const int = goParseInteger(plain);
  if (int !== undefined) {
    if (int >= INT64_MIN && int <= INT64_MAX) return { tag: 'int', value: int, unsigned: false };
    if (int >= 0n && int <= UINT64_MAX && !plain.startsWith('+')) {
      return { tag: 'int', value: int, unsigned: true };
    }
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return { tag: 'float', value: f };
  }
  // go-yaml's own binary forms, kept for the odd spellings ParseInt refuses ("0b-101")
  const bin = /^(-?)0b([+-]?[01]+)$/.exec(plain);
  if (bin !== null) {
    const body = bin[2]!;
    const neg = (bin[1] === '-') !== body.startsWith('-');
    const v = BigInt(`0b${body.replace(/^[+-]/, '')}`);
    const signed = neg ? -v : v;
    if (signed >= INT64_MIN && signed <= INT64_MAX) {
      return { tag: 'int', value: signed, unsigned: false };
    }
  }
  return undefined;
}

/** How go-yaml v2 resolves an untagged plain scalar (resolve.go `resolve("", s)`). */
export function resolvePlain(s: string): Resolved {
  const hint = hintOf(s);
  if (hint === '') return STR(s);
  const known = RESOLVE_MAP.get(s);
  if (known !== undefined) return known;
  if (hint === '.') {
    if (DOT_FLOAT.test(s)) {
      const f = Number(s);
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
    return STR(s);
  }
  if (hint === 'M') return STR(s);
  return resolveNumber(s) ?? STR(s);
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/** `!!int` for `tag:yaml.org,2002:int`, as go-yaml prints tags. */
export function shortTag(tag: string): string {
  return tag.startsWith(YAML_TAG_PREFIX) ? `!!${tag.slice(YAML_TAG_PREFIX.length)}` : tag;
}

/** A go-yaml decoding failure; the YAML codec turns it into a 400. */
export class GoYamlError extends Error {}

const RESOLVABLE = new Set(['str', 'bool', 'int', 'float', 'null', 'timestamp']);

/**
 * How go-yaml v2 resolves a scalar with an explicit tag (`!!int "12"`): the tag must agree with the
 * value (an int may stand for a float), `!!binary` is base64, and unknown tags leave a string.
 */
export function resolveTagged(tag: string, s: string): Resolved {
  const short = shortTag(tag);
  const name = short.startsWith('!!') ? short.slice(2) : '';
  if (name === 'binary') {
    const compact = s.replace(/[\r\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      throw new GoYamlError('yaml: !!binary value contains invalid base64 data');
    }
    return STR(Buffer.from(compact, 'base64').toString('utf8'));
  }
  if (!RESOLVABLE.has(name)) return STR(s);
  if (name === 'str') return STR(s);
  let resolved = resolvePlain(s);
  if (resolved.tag === 'str' && name === 'timestamp' && TIMESTAMP.test(s)) {
    resolved = { tag: 'timestamp', value: s };
  }
  if (resolved.tag === name) return resolved;
  if (name === 'float' && resolved.tag === 'int') {
    return { tag: 'float', value: Number(resolved.value) };
  }
  throw new GoYamlError(`yaml: cannot decode !!${resolved.tag} \`${s}\` as a !!${name}`);
}

/** go-yaml's base-60 float check; its encoder quotes such strings (`1:20`) for YAML 1.1 readers. */
export function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** Go's `%e`-style exponent: sign and at least two digits (`e+06`, `e-10`). */
function goExponent(exp: number): string {
  const abs = Math.abs(exp);
  return `e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, 64)` (or bit size 32): the shortest digits that read back
 * as the same float, in exponent form when the decimal exponent is below -4 or at least 6
 * (`1e+06`, `1.5e-05`, `123456`, `0.0001`).
 */
export function goFormatFloat(f: number, float32 = false): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0) ? '-' : '';
  const abs = Math.abs(f);
  let text = abs.toExponential();
  if (float32 && abs !== 0) {
    const target = Math.fround(abs);
    if (target === Infinity) return `${neg === '' ? '+' : '-'}Inf`;
    // Go formats float32(f): the shortest digits that round to that float32
    text = target.toExponential();
    for (let p = 0; p < 9; p++) {
      const candidate = target.toExponential(p);
      if (Math.fround(Number(candidate)) === target) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa, e] = text.split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const rest = digits.slice(1);
    return `${neg}${digits[0]!}${rest === '' ? '' : `.${rest}`}${goExponent(exp)}`;
  }
  const dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return `${neg}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${neg}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${neg}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/**
 * go-yaml v2's map key order for string keys (sorter.go keyList.Less): letters before other
 * characters, runs of digits compared as numbers, otherwise by code point; kubectl `-o yaml`
 * prints keys in this order.
 */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai = ar[i]!;
    const bi = br[i]!;
    if (ai === bi) continue;
    const al = LETTER.test(ai);
    const bl = LETTER.test(bi);
    if (al && bl) return ai.codePointAt(0)! < bi.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ai === '0' || bi === '0') {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let aj = i;
    for (; aj < ar.length && DIGIT.test(ar[aj]!); aj++) {
      an = BigInt.asIntN(64, an * 10n + BigInt(ar[aj]!.codePointAt(0)! - 0x30));
    }
    let bj = i;
    for (; bj < br.length && DIGIT.test(br[bj]!); bj++) {
      bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bj]!.codePointAt(0)! - 0x30));
    }
    if (an !== bn) return an < bn;
    if (aj !== bj) return aj < bj;
    return ai.codePointAt(0)! < bi.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** A comparator over {@link goKeyLess}, for `Array.prototype.sort`. */
export function goKeyCompare(a: string, b: string): number {
  if (a === b) return 0;
  return goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0;
}
