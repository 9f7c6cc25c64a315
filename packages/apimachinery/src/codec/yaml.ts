/**
 * The YAML codec. Reading follows Kubernetes (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars
 * (`yes`/`on` are booleans, `0777` is 511), non-string keys stringified, merge keys, and go-yaml's
 * alias-expansion limit against "billion laughs" (CVE-2019-11253). Writing follows `kubectl -o
 * yaml`: block style, two-space indent, sequences not indented under their key, keys in go-yaml's
 * order, strings quoted wherever YAML 1.1 would re-type them.
 * @module
 */
import {
  Composer,
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  Parser,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type Alias,
  type CST,
  type Node as YamlNode,
  type ParsedNode,
  type ScalarTag,
  type Tags,
} from 'yaml';
import { badRequest, requestEntityTooLarge, type StatusError } from '../errors.js';
import { bodyByteLength, bodyText, requireObject, type Body } from './body.js';
import { DEFAULT_MAX_DEPTH, type DecodedObject } from './json.js';
import {
  goFormatFloat,
  goKeyCompare,
  GoYamlError,
  isBase60Float,
  resolvePlain,
  resolveTagged,
  type Resolved,
} from './yaml-resolve.js';

/** The largest YAML body read by default: kube-apiserver's request body limit (3 MiB). */
export const DEFAULT_MAX_YAML_BYTES = 3 * 1024 * 1024;

/** Options of the YAML decoders. */
export interface YamlDecodeOptions {
  /** Report duplicate keys, as `fieldValidation=Strict|Warn` ask for. */
  strict?: boolean;
  /**
   * Deepest nesting of collections accepted; default {@link DEFAULT_MAX_DEPTH}. Checked on the
   * parse tree before it is built into nodes, so a deeply nested body cannot exhaust the stack.
   */
  maxDepth?: number;
  /** Largest body read, in bytes; default {@link DEFAULT_MAX_YAML_BYTES}. Larger is a 413. */
  maxBytes?: number;
}

// Every scalar arrives as a string; go-yaml's resolution is applied here, not by the library.
const COMPOSE_OPTIONS = {
  schema: 'failsafe',
  version: '1.1',
  uniqueKeys: false, // the library's check is quadratic and its wording not kube's
  merge: false,
  strict: false,
  prettyErrors: false,
  keepSourceTokens: false,
} as const;

// go-yaml v2 decode.go: the share of decoding work that may come from alias expansion
const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return (
    0.99 -
    (0.89 * (decodeCount - ALIAS_RATIO_RANGE_LOW)) /
      (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW)
  );
}

/** Nesting depth of one CST token, walked without recursion. */
function cstDepth(token: CST.Token): number {
  let max = 0;
  const stack: [CST.Token, number][] = [[token, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [tok, depth] = entry;
    if (tok.type === 'document') {
      if (tok.value !== undefined) stack.push([tok.value, depth]);
      continue;
    }
    if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      const inner = depth + 1;
      if (inner > max) max = inner;
      for (const item of tok.items) {
        if (item.key !== undefined && item.key !== null) stack.push([item.key, inner]);
        if (item.value !== undefined) stack.push([item.value, inner]);
      }
    }
  }
  return max;
}

function depthError(maxDepth: number): GoYamlError {
  return new GoYamlError(`yaml: exceeded max depth of ${maxDepth}`);
}

/** A map key as go-yaml holds it (`id` tells apart 1 and "1") and as JSON will spell it. */
interface Key {
  id: string;
  /** undefined when sigs.k8s.io/yaml cannot turn the key into a string. */
  json: string | undefined;
  /** Go's `%#v` of the key, for strict errors. */
  repr: string;
  /** Go's type name, for the unsupported-key error. */
  goType: string;
}

interface MapTarget {
  object: Record<string, unknown>;
  keys: Set<string>;
}

function setProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else object[key] = value;
}

function goValueRepr(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Turns one composed document into JSON data the way go-yaml v2 decodes into `interface{}` and
 * sigs.k8s.io/yaml converts that to JSON, counting decode work as go-yaml does to stop alias bombs.
 */
class DocumentConverter {
  #decodeCount = 0;
  #aliasCount = 0;
  #aliasDepth = 0;
  #depth = 0;
  readonly #active = new Set<Alias>();
  readonly #targets: Map<Alias, ParsedNode | undefined>;
  readonly #lines: LineCounter;
  readonly #strict: boolean;
  readonly #maxDepth: number;
  readonly duplicates: string[] = [];

  constructor(
    targets: Map<Alias, ParsedNode | undefined>,
    lines: LineCounter,
    strict: boolean,
    maxDepth: number,
  ) {
    this.#targets = targets;
    this.#lines = lines;
    this.#strict = strict;
    this.#maxDepth = maxDepth;
  }

  document(contents: ParsedNode | null): unknown {
    this.#count(); // the document node
    this.#count(); // its contents
    return this.#value(contents);
  }

  // go-yaml v2 decoder.unmarshal: every node visit counts, visits under an alias count as aliased
  #count(): void {
    this.#decodeCount++;
    if (this.#aliasDepth > 0) this.#aliasCount++;
    if (
      this.#aliasCount > 100 &&
      this.#decodeCount > 1000 &&
      this.#aliasCount / this.#decodeCount > allowedAliasRatio(this.#decodeCount)
    ) {
      throw new GoYamlError('yaml: document contains excessive aliasing');
    }
  }

  #enter(): void {
    if (++this.#depth > this.#maxDepth) throw depthError(this.#maxDepth);
  }

  #leave(): void {
    this.#depth--;
  }

  #target(alias: Alias): ParsedNode {
    if (this.#active.has(alias)) {
      throw new GoYamlError(`yaml: anchor '${alias.source}' value contains itself`);
    }
    const target = this.#targets.get(alias);
    if (target === undefined) {
      throw new GoYamlError(`yaml: unknown anchor '${alias.source}' referenced`);
    }
    return target;
  }

  #throughAlias<T>(alias: Alias, visit: (target: ParsedNode) => T): T {
    const target = this.#target(alias);
    this.#active.add(alias);
    this.#aliasDepth++;
    try {
      return visit(target);
    } finally {
      this.#aliasDepth--;
      this.#active.delete(alias);
    }
  }

  #line(node: ParsedNode | null, fallback: ParsedNode | null): number {
    const at = node?.range[0] ?? fallback?.range[0] ?? 0;
    return this.#lines.linePos(at).line;
  }

  #resolve(node: Scalar.Parsed): Resolved {
    const text = String(node.value);
    if (node.tag !== undefined) return resolveTagged(node.tag, text);
    if (node.type === 'PLAIN') return resolvePlain(text);
    return { tag: 'str', value: text };
  }

  #value(node: ParsedNode | null): unknown {
    if (node === null) return null;
    if (isAlias(node)) {
      return this.#throughAlias(node, (target) => {
        this.#count();
        return this.#value(target);
      });
    }
    if (isScalar(node)) {
      const r = this.#resolve(node);
      switch (r.tag) {
        case 'int':
          return Number(r.value);
        case 'float':
          if (!Number.isFinite(r.value)) {
            // as Go's json.Marshal, which sigs.k8s.io/yaml ends with
            throw new GoYamlError(`json: unsupported value: ${goFormatFloat(r.value)}`);
          }
          return r.value;
        default:
          return r.value;
      }
    }
    if (isMap(node)) {
      const target: MapTarget = { object: {}, keys: new Set() };
      this.#enter();
      this.#mapping(node, target);
      this.#leave();
      return target.object;
    }
    if (isSeq(node)) {
      this.#enter();
      const out: unknown[] = [];
      for (const item of node.items) {
        this.#count();
        out.push(this.#value(item));
      }
      this.#leave();
      return out;
    }
    return null;
  }

  #key(node: ParsedNode | null): Key {
    if (node === null) return { id: 'nil', json: undefined, repr: '<nil>', goType: '%!s(<nil>)' };
    if (isAlias(node)) {
      return this.#throughAlias(node, (target) => {
        this.#count();
        return this.#key(target);
      });
    }
    if (!isScalar(node)) {
      throw new GoYamlError(`yaml: invalid map key: ${JSON.stringify(this.#value(node))}`);
    }
    const r = this.#resolve(node);
    switch (r.tag) {
      case 'str':
      case 'timestamp':
        return {
          id: `s:${r.value}`,
          json: r.value,
          repr: JSON.stringify(r.value),
          goType: 'string',
        };
      case 'null':
        return { id: 'nil', json: undefined, repr: '<nil>', goType: '%!s(<nil>)' };
      case 'bool':
        return { id: `b:${r.value}`, json: String(r.value), repr: String(r.value), goType: 'bool' };
      case 'int':
        if (r.unsigned) {
          const hex = `0x${r.value.toString(16)}`;
          return { id: `u:${r.value}`, json: undefined, repr: hex, goType: 'uint64' };
        }
        return {
          id: `i:${r.value}`,
          json: r.value.toString(),
          repr: r.value.toString(),
          goType: 'int',
        };
      case 'float': {
        // sigs.k8s.io/yaml formats float keys as go-yaml's encoder would, at float32 precision
        let json = goFormatFloat(r.value, true);
        if (json === '+Inf') json = '.inf';
        else if (json === '-Inf') json = '-.inf';
        else if (json === 'NaN') json = '.nan';
        // NaN never equals itself as a Go map key, so it is never a duplicate
        const id = Number.isNaN(r.value) ? `f:NaN:${this.#decodeCount}` : `f:${r.value}`;
        return { id, json, repr: String(r.value), goType: 'float64' };
      }
    }
  }

  #isMerge(key: ParsedNode | null): boolean {
    return (
      key !== null &&
      isScalar(key) &&
      key.value === '<<' &&
      ((key.type === 'PLAIN' && key.tag === undefined) || key.tag === 'tag:yaml.org,2002:merge')
    );
  }

  #mapping(node: YAMLMap.Parsed, target: MapTarget): void {
    for (const pair of node.items) {
      const keyNode = pair.key as ParsedNode | null;
      const valueNode = pair.value;
      if (this.#isMerge(keyNode)) {
        this.#merge(valueNode, target);
        continue;
      }
      this.#count();
      const key = this.#key(keyNode);
      this.#count();
      const value = this.#value(valueNode);
      if (key.json === undefined) {
        // as sigs.k8s.io/yaml convertToJSONableObject
        throw new GoYamlError(
          `unsupported map key of type: ${key.goType}, key: ${key.repr}, value: ${goValueRepr(value)}`,
        );
      }
      if (target.keys.has(key.id)) {
        if (this.#strict) {
          // as go-yaml v2 decoder.setMapIndex in strict mode
          const line = this.#line(valueNode, keyNode);
          this.duplicates.push(`line ${line}: key ${key.repr} already set in map`);
        }
      } else target.keys.add(key.id);
      setProperty(target.object, key.json, value);
    }
  }

  // go-yaml v2 decoder.merge: a map, an alias of one, or a sequence of them (earlier ones win)
  #merge(node: ParsedNode | null, target: MapTarget): void {
    const wantMap = (): GoYamlError =>
      new GoYamlError('yaml: map merge requires map or sequence of maps as the value');
    const mergeOne = (item: ParsedNode): void => {
      this.#count();
      if (isMap(item)) {
        this.#enter();
        this.#mapping(item, target);
        this.#leave();
        return;
      }
      if (isAlias(item)) {
        this.#throughAlias(item, (aliased) => {
          if (!isMap(aliased)) throw wantMap();
          this.#count();
          this.#enter();
          this.#mapping(aliased, target);
          this.#leave();
        });
        return;
      }
      throw wantMap();
    };
    if (node === null) throw wantMap();
    if (isMap(node) || isAlias(node)) {
      if (isAlias(node) && !isMap(this.#target(node))) throw wantMap();
      mergeOne(node);
      return;
    }
    if (!isSeq(node)) throw wantMap();
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item = node.items[i] as ParsedNode | null;
      if (item === null) throw wantMap();
      if (isAlias(item) ? !isMap(this.#target(item)) : !isMap(item)) throw wantMap();
      mergeOne(item);
    }
  }
}

/** Maps every alias to the node its anchor named most recently before it, in document order. */
function bindAliases(contents: ParsedNode | null): Map<Alias, ParsedNode | undefined> {
  const anchors = new Map<string, ParsedNode>();
  const targets = new Map<Alias, ParsedNode | undefined>();
  const visit = (node: unknown): void => {
    if (node === null || node === undefined) return;
    const n = node as ParsedNode;
    if (isAlias(n)) {
      targets.set(n, anchors.get(n.source));
      return;
    }
    if (n.anchor !== undefined) anchors.set(n.anchor, n);
    if (isMap(n)) {
      for (const pair of n.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item);
    }
  };
  visit(contents);
  return targets;
}

interface ParsedYaml {
  value: unknown;
  duplicates: string[];
}

function toStatus(err: unknown): StatusError {
  if (err instanceof GoYamlError) return badRequest(err.message);
  throw err;
}

/**
 * Parses the documents of a YAML stream one at a time, each checked for depth before it is
 * composed, and converts each as go-yaml would. With `first`, yields only the first document and
 * ignores the rest, as go-yaml's Unmarshal does.
 */
function* parseYaml(
  text: string,
  options: YamlDecodeOptions,
  first: boolean,
): Generator<ParsedYaml> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer(COMPOSE_OPTIONS);
  const convert = (doc: Document.Parsed): ParsedYaml => {
    const error = doc.errors[0];
    if (error !== undefined) {
      // an error at the very end (an unclosed bracket or quote) belongs to the last line written
      const at = Math.min(error.pos[0], text.trimEnd().length - 1);
      const { line } = lines.linePos(Math.max(at, 0));
      throw badRequest(`yaml: line ${line}: ${error.message}`);
    }
    const contents = doc.contents;
    const converter = new DocumentConverter(
      bindAliases(contents),
      lines,
      options.strict === true,
      maxDepth,
    );
    try {
      return { value: converter.document(contents), duplicates: converter.duplicates };
    } catch (err) {
      throw toStatus(err);
    }
  };
  let documents = 0;
  for (const token of parser.parse(text)) {
    if (token.type === 'document') {
      if (first && documents === 1) break;
      documents++;
      if (cstDepth(token) > maxDepth) throw toStatus(depthError(maxDepth));
    }
    for (const doc of composer.next(token)) yield convert(doc);
  }
  for (const doc of composer.end(documents === 0, text.length)) yield convert(doc);
}

function checkSize(body: Body, options: YamlDecodeOptions): void {
  const limit = options.maxBytes ?? DEFAULT_MAX_YAML_BYTES;
  if (bodyByteLength(body) > limit) throw requestEntityTooLarge(`limit is ${limit}`);
}

function firstDocument(body: Body, options: YamlDecodeOptions): ParsedYaml & { text: string } {
  checkSize(body, options);
  const text = bodyText(body);
  for (const parsed of parseYaml(text, options, true)) return { ...parsed, text };
  return { value: null, duplicates: [], text };
}

/**
 * Reads the first document of a YAML body as any JSON value (go-yaml's Unmarshal ignores the rest
 * of a stream). Malformed YAML is a 400 `yaml: line N: …`; so are alias bombs, over-deep nesting,
 * keys JSON cannot hold and `.inf`/`.nan` values.
 */
export function decodeYaml(body: Body, options: YamlDecodeOptions = {}): unknown {
  return firstDocument(body, options).value;
}

/**
 * Decodes a YAML request body that must be an object, as kube's YAML serializer does. With
 * `strict`, duplicate keys come back in `strictErrors` as the one error go-yaml's strict mode
 * raises (`yaml: unmarshal errors:\n  line 3: key "a" already set in map`); the object keeps the
 * last value.
 */
export function decodeYamlObject(body: Body, options: YamlDecodeOptions = {}): DecodedObject {
  const { value, duplicates, text } = firstDocument(body, options);
  const object = requireObject(value, text);
  const strictErrors =
    duplicates.length === 0 ? [] : [`yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}`];
  return { object, strictErrors };
}

/**
 * Decodes every document of a multi-document stream (`---`), as `kubectl apply -f` reads a file:
 * empty and `null` documents are skipped, each document has its own anchors, and a document that
 * is not an object is a 400.
 */
export function decodeYamlDocuments(
  body: Body,
  options: YamlDecodeOptions = {},
): Record<string, unknown>[] {
  checkSize(body, options);
  const text = bodyText(body);
  const objects: Record<string, unknown>[] = [];
  let index = 0;
  for (const { value } of parseYaml(text, options, false)) {
    index++;
    if (value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest(`yaml: document ${index} is not an object`);
    }
    objects.push(value as Record<string, unknown>);
  }
  return objects;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * A string must be quoted when go-yaml would read it back as something else: YAML 1.1 booleans,
 * nulls, numbers (`yes`, `~`, `0777`, `1e3`), base-60 numbers, and `<<`, which would merge.
 */
function needsQuotes(s: string): boolean {
  return resolvePlain(s).tag !== 'str' || isBase60Float(s) || s === '<<';
}

/**
 * How go-yaml prints a JSON number read through JSONToYAML: integers in range as integers, every
 * other number through Go's shortest `%g` (`1.2345675e+06`, `1e-05`).
 */
function goNumber(n: number): string {
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 64) {
    return BigInt(n).toString();
  }
  return goFormatFloat(n);
}

const MERGE_TAG = 'tag:yaml.org,2002:merge';

// Wins over the library's own number tags (a `test` makes a tag preferred when several identify).
const GO_NUMBER_TAG: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^\b\B$/,
  resolve: (source) => Number(source),
  stringify: (item) => goNumber(Number(item.value)),
};

// The library's YAML 1.1 merge tag would print the string "<<" bare, which reads back as a merge.
function encodingTags(tags: Tags): Tags {
  return [GO_NUMBER_TAG, ...tags.filter((t) => typeof t === 'string' || t.tag !== MERGE_TAG)];
}

// YAML 1.1 line breaks besides \n, which a plain, single-quoted or block scalar would normalize,
// and the byte order mark, which a reader drops at the start of a document
const OTHER_BREAKS = /[\r\u0085\u2028\u2029\ufeff]/;
// libyaml refuses a literal block for text with trailing blanks on a line (its space_break and
// trailing_space) and go-yaml then double-quotes; the library would emit an ambiguous block instead
const BLOCK_UNSAFE = /[ \t]\n|[ \t]$/;
// the library misplaces the indentation of a top-level block whose lines start with blanks
const TOP_BLOCK_UNSAFE = /(?:^|\n)[ \t]/;

function stringNode(s: string, topLevel = false): Scalar {
  const node = new Scalar(s);
  if (
    needsQuotes(s) ||
    OTHER_BREAKS.test(s) ||
    (s.includes('\n') && (BLOCK_UNSAFE.test(s) || (topLevel && TOP_BLOCK_UNSAFE.test(s))))
  ) {
    node.type = 'QUOTE_DOUBLE';
  }
  return node;
}

function toNode(value: unknown, depth: number): YamlNode {
  if (depth > DEFAULT_MAX_DEPTH * 10) throw new RangeError('object too deeply nested for YAML');
  if (typeof value === 'string') return stringNode(value, depth === 0);
  if (value === null || value === undefined) return new Scalar(null);
  if (typeof value === 'number' || typeof value === 'boolean') return new Scalar(value);
  if (typeof value === 'bigint') return new Scalar(Number(value));
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toNode(item, depth + 1));
    return seq;
  }
  if (typeof value === 'object') {
    const map = new YAMLMap();
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).filter((k) => object[k] !== undefined);
    keys.sort(goKeyCompare);
    for (const key of keys)
      map.items.push(new Pair(stringNode(key), toNode(object[key], depth + 1)));
    return map;
  }
  return new Scalar(null); // functions and symbols, which JSON drops too
}

const TO_STRING_OPTIONS = {
  indent: 2,
  indentSeq: false,
  lineWidth: 0,
  minContentWidth: 0,
  blockQuote: 'literal',
  singleQuote: true,
  directives: false,
} as const;

/**
 * YAML as `kubectl get -o yaml` prints it: keys in go-yaml's order, block style, two-space
 * indent, `- ` items level with their key, multi-line strings as literal blocks, no folding of long
 * strings, and every string that YAML 1.1 would read as a bool, null or number double-quoted.
 */
export function encodeYaml(value: unknown): string {
  const doc = new Document(null, { version: '1.1', customTags: encodingTags });
  doc.contents = toNode(value, 0);
  return doc.toString(TO_STRING_OPTIONS);
}
