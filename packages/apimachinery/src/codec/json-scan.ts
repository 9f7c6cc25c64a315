/**
 * Hand-written JSON scanners for the two things `JSON.parse` cannot tell us: Go's wording of a
 * syntax error, and which object keys repeat. Internal to the JSON codec.
 * @module
 */

/** Go's `quoteChar` (encoding/json scanner.go): a byte as a single-quoted Go literal. */
function quoteByte(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return `'\\\\'`;
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  const named: Record<number, string> = {
    0x07: '\\a',
    0x08: '\\b',
    0x0c: '\\f',
    0x0a: '\\n',
    0x0d: '\\r',
    0x09: '\\t',
    0x0b: '\\v',
  };
  const name = named[c];
  if (name !== undefined) return `'${name}'`;
  if (c < 0x80) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // Go turns the byte into the rune U+0080..U+00FF; strconv.Quote escapes the unprintable ones.
  if (c <= 0xa0 || c === 0xad) return `'\\u00${c.toString(16)}'`;
  return `'${String.fromCharCode(c)}'`;
}

const enum St {
  BeginValue,
  BeginValueOrEmpty,
  BeginStringOrEmpty,
  BeginString,
  EndValue,
  EndTop,
  InString,
  InStringEsc,
  EscU1,
  EscU2,
  EscU3,
  EscU4,
  Neg,
  Int,
  Zero,
  Dot,
  Dot0,
  E,
  ESign,
  E0,
  Lit,
}

const enum Ps {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** The literals Go spells out letter by letter when one breaks (`in literal true (expecting 'r')`). */
const LITERALS: Record<number, string> = { 0x74: 'true', 0x66: 'false', 0x6e: 'null' };

/** Go's maximum nesting depth in encoding/json (scanner.go maxNestingDepth). */
const GO_MAX_NESTING_DEPTH = 10000;

/**
 * Runs Go's encoding/json scanner state machine over `bytes` and returns the message of the first
 * syntax error exactly as Go words it (`invalid character '}' looking for beginning of object key
 * string`, `unexpected end of JSON input`), or `undefined` if the input is valid JSON. Only called
 * after `JSON.parse` has failed, so speed matters little; it is still one linear pass.
 */
export function goJsonSyntaxError(bytes: Uint8Array): string | undefined {
  let state: St = St.BeginValue;
  const stack: Ps[] = [];
  let literal = '';
  let literalPos = 0;
  let endTop = false;

  const fail = (c: number, context: string): string =>
    `invalid character ${quoteByte(c)} ${context}`;

  // Returns an error message, or undefined to continue. Loops when a state hands the byte on.
  const step = (c: number): string | undefined => {
    for (;;) {
      switch (state) {
        case St.BeginValueOrEmpty:
          if (isSpace(c)) return undefined;
          if (c === 0x5d) {
            state = St.EndValue;
            continue;
          }
          state = St.BeginValue;
          continue;
        case St.BeginValue: {
          if (isSpace(c)) return undefined;
          if (c === 0x7b) {
            stack.push(Ps.ObjectKey);
            if (stack.length > GO_MAX_NESTING_DEPTH) return fail(c, 'exceeded max depth');
            state = St.BeginStringOrEmpty;
            return undefined;
          }
          if (c === 0x5b) {
            stack.push(Ps.ArrayValue);
            if (stack.length > GO_MAX_NESTING_DEPTH) return fail(c, 'exceeded max depth');
            state = St.BeginValueOrEmpty;
            return undefined;
          }
          if (c === 0x22) {
            state = St.InString;
            return undefined;
          }
          if (c === 0x2d) {
            state = St.Neg;
            return undefined;
          }
          if (c === 0x30) {
            state = St.Zero;
            return undefined;
          }
          if (c >= 0x31 && c <= 0x39) {
            state = St.Int;
            return undefined;
          }
          const lit = LITERALS[c];
          if (lit !== undefined) {
            literal = lit;
            literalPos = 1;
            state = St.Lit;
            return undefined;
          }
          return fail(c, 'looking for beginning of value');
        }
        case St.BeginStringOrEmpty:
          if (isSpace(c)) return undefined;
          if (c === 0x7d) {
            stack[stack.length - 1] = Ps.ObjectValue;
            state = St.EndValue;
            continue;
          }
          state = St.BeginString;
          continue;
        case St.BeginString:
          if (isSpace(c)) return undefined;
          if (c === 0x22) {
            state = St.InString;
            return undefined;
          }
          return fail(c, 'looking for beginning of object key string');
        case St.EndValue: {
          const n = stack.length;
          if (n === 0) {
            state = St.EndTop;
            endTop = true;
            continue;
          }
          if (isSpace(c)) return undefined;
          const ps = stack[n - 1]!;
          if (ps === Ps.ObjectKey) {
            if (c === 0x3a) {
              stack[n - 1] = Ps.ObjectValue;
              state = St.BeginValue;
              return undefined;
            }
            return fail(c, 'after object key');
          }
          if (ps === Ps.ObjectValue) {
            if (c === 0x2c) {
              stack[n - 1] = Ps.ObjectKey;
              state = St.BeginString;
              return undefined;
            }
            if (c === 0x7d) {
              stack.pop();
              if (stack.length === 0) endTop = true;
              state = stack.length === 0 ? St.EndTop : St.EndValue;
              return undefined;
            }
            return fail(c, 'after object key:value pair');
          }
          if (c === 0x2c) {
            state = St.BeginValue;
            return undefined;
          }
          if (c === 0x5d) {
            stack.pop();
            if (stack.length === 0) endTop = true;
            state = stack.length === 0 ? St.EndTop : St.EndValue;
            return undefined;
          }
          return fail(c, 'after array element');
        }
        case St.EndTop:
          return isSpace(c) ? undefined : fail(c, 'after top-level value');
        case St.InString:
          if (c === 0x22) {
            state = St.EndValue;
            return undefined;
          }
          if (c === 0x5c) {
            state = St.InStringEsc;
            return undefined;
          }
          return c < 0x20 ? fail(c, 'in string literal') : undefined;
        case St.InStringEsc:
          if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
            state = St.InString;
            return undefined;
          }
          if (c === 0x75) {
            state = St.EscU1;
            return undefined;
          }
          return fail(c, 'in string escape code');
        case St.EscU1:
        case St.EscU2:
        case St.EscU3:
        case St.EscU4:
          if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
          state =
            state === St.EscU1
              ? St.EscU2
              : state === St.EscU2
                ? St.EscU3
                : state === St.EscU3
                  ? St.EscU4
                  : St.InString;
          return undefined;
        case St.Neg:
          if (c === 0x30) {
            state = St.Zero;
            return undefined;
          }
          if (c >= 0x31 && c <= 0x39) {
            state = St.Int;
            return undefined;
          }
          return fail(c, 'in numeric literal');
        case St.Int:
          if (isDigit(c)) return undefined;
          state = St.Zero;
          continue;
        case St.Zero:
          if (c === 0x2e) {
            state = St.Dot;
            return undefined;
          }
          if (c === 0x65 || c === 0x45) {
            state = St.E;
            return undefined;
          }
          state = St.EndValue;
          continue;
        case St.Dot:
          if (isDigit(c)) {
            state = St.Dot0;
            return undefined;
          }
          return fail(c, 'after decimal point in numeric literal');
        case St.Dot0:
          if (isDigit(c)) return undefined;
          if (c === 0x65 || c === 0x45) {
            state = St.E;
            return undefined;
          }
          state = St.EndValue;
          continue;
        case St.E:
          if (c === 0x2b || c === 0x2d) {
            state = St.ESign;
            return undefined;
          }
          state = St.ESign;
          continue;
        case St.ESign:
          if (isDigit(c)) {
            state = St.E0;
            return undefined;
          }
          return fail(c, 'in exponent of numeric literal');
        case St.E0:
          if (isDigit(c)) return undefined;
          state = St.EndValue;
          continue;
        case St.Lit: {
          const want = literal.charCodeAt(literalPos);
          if (c !== want) {
            return fail(c, `in literal ${literal} (expecting ${quoteByte(want)})`);
          }
          literalPos++;
          if (literalPos === literal.length) state = St.EndValue;
          return undefined;
        }
      }
    }
  };

  for (const c of bytes) {
    const err = step(c);
    if (err !== undefined) return err;
  }
  // Go's scanner.eof: a trailing space completes a pending number or literal-free value.
  if (endTop) return undefined;
  const err = step(0x20);
  if (err !== undefined) return err;
  return endTop ? undefined : 'unexpected end of JSON input';
}

/** What {@link scanJsonStructure} found. */
export interface JsonStructure {
  /** The deepest nesting of objects and arrays. */
  depth: number;
  /** `duplicate field "<path>"` messages, deduplicated, at most 100 (as sigs.k8s.io/json). */
  duplicates: string[];
}

/** An open object or array; `entry` is how it was reached from its parent (key or index). */
type Frame =
  | { object: true; keys: Set<string> | undefined; key: string; entry: string | number | undefined }
  | { object: false; index: number; entry: string | number | undefined };

/** The most strict errors sigs.k8s.io/json keeps (kubernetes_patch.go saveStrictError). */
const MAX_STRICT_ERRORS = 100;

/**
 * One linear pass over text that `JSON.parse` has already accepted, measuring the nesting depth
 * and, when `findDuplicates` is set, listing keys that repeat within one object.
 *
 * Hand-written because `JSON.parse` silently keeps the last of two equal keys and offers no hook to
 * see the first; a reviver sees only the surviving value. The scan keeps one key set per open
 * object and never backtracks, so it is O(n) in the input. Paths are built as sigs.k8s.io/json's
 * strict field stack builds them (`spec.containers[0].name`), and only when a duplicate is found.
 */
export function scanJsonStructure(text: string, findDuplicates: boolean): JsonStructure {
  const stack: Frame[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;

  const entryFor = (): string | number | undefined => {
    const top = stack[stack.length - 1];
    if (top === undefined) return undefined;
    return top.object ? top.key : top.index;
  };
  // as sigs.k8s.io/json newFieldError: keys joined with ".", indexes as "[i]", the field last
  const pathOf = (key: string): string => {
    let path = '';
    let pieces = false;
    for (const frame of stack) {
      const entry = frame.entry;
      if (entry === undefined) continue;
      if (typeof entry === 'number') path += `[${entry}]`;
      else path += pieces ? `.${entry}` : entry;
      pieces = true;
    }
    return pieces ? `${path}.${key}` : key;
  };

  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x7b: // {
      case 0x5b: {
        // [
        const entry = entryFor();
        stack.push(
          c === 0x7b
            ? { object: true, keys: undefined, key: '', entry }
            : { object: false, index: 0, entry },
        );
        if (stack.length > depth) depth = stack.length;
        expectKey = c === 0x7b;
        break;
      }
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top !== undefined) {
          if (top.object) expectKey = true;
          else top.index++;
        }
        break;
      }
      case 0x3a: // :
        expectKey = false;
        break;
      case 0x22: {
        // "
        let j = i + 1;
        let escaped = false;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === 0x5c) {
            escaped = true;
            j++;
          } else if (d === 0x22) break;
        }
        const top = stack[stack.length - 1];
        if (expectKey && top?.object === true) {
          const raw = text.slice(i + 1, j);
          const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
          top.key = key;
          if (findDuplicates) {
            top.keys ??= new Set();
            if (top.keys.has(key)) {
              const message = `duplicate field ${JSON.stringify(pathOf(key))}`;
              if (!seen.has(message) && duplicates.length < MAX_STRICT_ERRORS) {
                seen.add(message);
                duplicates.push(message);
              }
            } else top.keys.add(key);
          }
        }
        i = j;
        break;
      }
      default:
        break;
    }
  }
  return { depth, duplicates };
}
