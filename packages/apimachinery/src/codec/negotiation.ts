/**
 * Content negotiation as kube-apiserver does it (k8s.io/apiserver
 * pkg/endpoints/handlers/negotiation): which media type (and which `as`/`g`/`v` target kind) to
 * answer in, and which serializer reads a request body. Runs on every request, so parsed headers
 * are cached in small bounded maps and results are frozen and shared.
 * @module
 */
import { notAcceptable, unsupportedMediaType } from '../errors.js';
import type { GroupVersionKind } from '../gvk.js';

/** `application/json`. */
export const MEDIA_TYPE_JSON = 'application/json';
/** `application/yaml`. */
export const MEDIA_TYPE_YAML = 'application/yaml';
/** `application/vnd.kubernetes.protobuf`. */
export const MEDIA_TYPE_PROTOBUF = 'application/vnd.kubernetes.protobuf';
/** RFC 6902 JSON patch. */
export const MEDIA_TYPE_JSON_PATCH = 'application/json-patch+json';
/** RFC 7386 JSON merge patch. */
export const MEDIA_TYPE_MERGE_PATCH = 'application/merge-patch+json';
/** Kubernetes strategic merge patch. */
export const MEDIA_TYPE_STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
/** Server-side apply. */
export const MEDIA_TYPE_APPLY_PATCH = 'application/apply-patch+yaml';

/** The media types a kube endpoint serves, in kube's order of preference (its CodecFactory's). */
export const SERVED_MEDIA_TYPES: readonly string[] = Object.freeze([
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_YAML,
  MEDIA_TYPE_PROTOBUF,
]);

/** The patch media types, in the order kube's installer lists them (and its 415 names them). */
export const PATCH_MEDIA_TYPES: readonly string[] = Object.freeze([
  MEDIA_TYPE_JSON_PATCH,
  MEDIA_TYPE_MERGE_PATCH,
  MEDIA_TYPE_STRATEGIC_MERGE_PATCH,
  MEDIA_TYPE_APPLY_PATCH,
]);

/** The serializers that can frame a watch stream (YAML cannot). */
const STREAMABLE: ReadonlySet<string> = new Set([MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF]);

/** The watch variants, as kube's MediaTypesForSerializer lists them in a 406 for a watch. */
export const WATCH_MEDIA_TYPES: readonly string[] = Object.freeze([
  `${MEDIA_TYPE_JSON};stream=watch`,
  `${MEDIA_TYPE_PROTOBUF};stream=watch`,
]);

/** One media range of an `Accept` header. */
export interface MediaRange {
  /** Lower-cased type, or `*`. */
  readonly type: string;
  /** Lower-cased subtype, or `*`. */
  readonly subtype: string;
  /** The `q` weight; 1 when absent, 0 when unparsable (as goautoneg). */
  readonly q: number;
  /** Parameters other than `q`, names lower-cased, quotes removed from values. */
  readonly params: Readonly<Record<string, string>>;
}

/** A small map that forgets its oldest entry when full. */
class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.#entries.size >= this.#limit) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }
}

/** Headers longer than this are parsed every time rather than cached. */
const MAX_CACHED_HEADER = 512;
const acceptCache = new BoundedCache<readonly MediaRange[]>(64);

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isOws(s.charCodeAt(start))) start++;
  while (end > start && isOws(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Splits on `sep` outside double-quoted strings. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  if (!s.includes('"')) return s.split(sep);
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/** `key=value` parameters; `undefined` if one is malformed. */
function parseParams(
  parts: readonly string[],
  from: number,
  onQ?: (q: string) => void,
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = from; i < parts.length; i++) {
    const part = trimOws(parts[i]!);
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = trimOws(part.slice(0, eq)).toLowerCase();
    const value = unquote(trimOws(part.slice(eq + 1)));
    if (key === 'q' && onQ !== undefined) onQ(value);
    else params[key] = value;
  }
  return params;
}

const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function specificity(range: MediaRange): number {
  return (range.type === '*' ? 0 : 2) + (range.subtype === '*' ? 0 : 1);
}

/**
 * Parses an `Accept` header into media ranges, best first: by `q`, then more specific before
 * wildcards, then header order (a stable version of goautoneg's sort). Type, subtype and parameter
 * names are case-insensitive (RFC 9110); malformed ranges are skipped. Results are cached and frozen.
 */
export function parseAccept(header: string): readonly MediaRange[] {
  const cached = acceptCache.get(header);
  if (cached !== undefined) return cached;
  const ranges: MediaRange[] = [];
  for (const clause of splitOutsideQuotes(header, ',')) {
    const parts = splitOutsideQuotes(clause, ';');
    const range = trimOws(parts[0]!).toLowerCase();
    let type: string;
    let subtype: string;
    const slash = range.indexOf('/');
    if (slash < 0) {
      if (range !== '*') continue;
      type = '*';
      subtype = '*';
    } else {
      type = trimOws(range.slice(0, slash));
      subtype = trimOws(range.slice(slash + 1));
      if (type === '' || subtype === '' || subtype.includes('/')) continue;
    }
    let q = 1;
    const params =
      parts.length > 1
        ? parseParams(parts, 1, (value) => {
            const n = Number(value);
            q = value !== '' && Number.isFinite(n) ? n : 0;
          })
        : EMPTY_PARAMS;
    if (params === undefined) continue;
    ranges.push(
      Object.freeze({
        type,
        subtype,
        q,
        params: params === EMPTY_PARAMS ? params : Object.freeze(params),
      }),
    );
  }
  // Array.prototype.sort is stable, so equal ranges keep the order the client wrote them in
  ranges.sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
  const result = Object.freeze(ranges);
  if (header.length <= MAX_CACHED_HEADER) acceptCache.set(header, result);
  return result;
}

/**
 * Decides whether an endpoint can answer in `mediaType` converted to `target` (`null`: no
 * conversion), like kube's EndpointRestrictions.AllowsMediaTypeTransform.
 */
export type TransformAllowance = (mediaType: string, target: GroupVersionKind | null) => boolean;

/** No conversions, plain media types only (kube's DefaultEndpointRestrictions). */
export const plainOnly: TransformAllowance = (_mediaType, target) => target === null;

const META_GROUP = 'meta.k8s.io';

/** What a resource endpoint can convert its answers to; see {@link resourceTransforms}. */
export interface ResourceTransformOptions {
  /** The resource has a table convertor (`kubectl get` columns). Default false. */
  table?: boolean;
  /** Answer as PartialObjectMetadata(List) when asked. Default true, as kube always does. */
  partialObjectMetadata?: boolean;
}

/**
 * The conversions a resource endpoint allows, as kube's RequestScope.AllowsMediaTypeTransform:
 * Table (JSON or YAML only, and only with a table convertor) and PartialObjectMetadata /
 * PartialObjectMetadataList, each in meta.k8s.io v1 or v1beta1.
 */
export function resourceTransforms(options: ResourceTransformOptions = {}): TransformAllowance {
  const table = options.table === true;
  const partial = options.partialObjectMetadata !== false;
  return (mediaType, target) => {
    if (target === null) return true;
    if (target.group !== META_GROUP || (target.version !== 'v1' && target.version !== 'v1beta1')) {
      return false;
    }
    switch (target.kind) {
      case 'Table':
        return table && (mediaType === MEDIA_TYPE_JSON || mediaType === MEDIA_TYPE_YAML);
      case 'PartialObjectMetadata':
      case 'PartialObjectMetadataList':
        return partial;
      default:
        return false;
    }
  };
}

/**
 * The conversions `/api` and `/apis` allow: only the aggregated APIGroupDiscoveryList in
 * apidiscovery.k8s.io v2 or v2beta1 (kube's discoveryEndpointRestrictions). Plain types are not
 * allowed, so use {@link findOutputMediaType} and fall back to legacy discovery when it finds none.
 */
export const discoveryTransforms: TransformAllowance = (_mediaType, target) =>
  target !== null &&
  target.group === 'apidiscovery.k8s.io' &&
  (target.version === 'v2' || target.version === 'v2beta1') &&
  target.kind === 'APIGroupDiscoveryList';

/** Options of {@link negotiateOutput}. */
export interface OutputNegotiationOptions {
  /** The media types the endpoint serves, preferred first; default {@link SERVED_MEDIA_TYPES}. */
  mediaTypes?: readonly string[];
  /** Negotiating for a watch: the answer must be a type that can be streamed. */
  stream?: boolean;
  /** Which conversions are allowed; default {@link plainOnly}. */
  allowsTransform?: TransformAllowance;
}

/** The outcome of output negotiation. */
export interface NegotiatedOutput {
  /** The chosen serializer's media type, e.g. `application/json`. */
  readonly mediaType: string;
  /** The kind the client asked the answer to be converted to, or null for the resource itself. */
  readonly target: Readonly<GroupVersionKind> | null;
  /** `pretty=1` was asked for in the media type. */
  readonly pretty: boolean;
  /**
   * The `Content-Type` kube sends: the media type, or for a watch its stream form
   * (`application/vnd.kubernetes.protobuf;stream=watch`; JSON watches stay `application/json`).
   * Aggregated discovery echoes the target instead: see {@link mediaTypeWithTarget}.
   */
  readonly contentType: string;
}

function splitMediaType(mediaType: string): [string, string] {
  const slash = mediaType.indexOf('/');
  return [mediaType.slice(0, slash), mediaType.slice(slash + 1)];
}

const offeredCache = new WeakMap<readonly string[], readonly [string, string, string][]>();

function offered(mediaTypes: readonly string[]): readonly [string, string, string][] {
  let split = offeredCache.get(mediaTypes);
  if (split === undefined) {
    split = mediaTypes.map((m) => {
      const lower = m.toLowerCase();
      return [lower, ...splitMediaType(lower)] as [string, string, string];
    });
    offeredCache.set(mediaTypes, split);
  }
  return split;
}

function matches(range: MediaRange, type: string, subtype: string): boolean {
  if (range.type === '*') return range.subtype === '*';
  return range.type === type && (range.subtype === '*' || range.subtype === subtype);
}

/** A q=0 range without conversion parameters refuses the types it matches (RFC 9110 §12.4.2). */
function refuses(range: MediaRange): boolean {
  const p = range.params;
  return range.q <= 0 && p.as === undefined && p.g === undefined && p.v === undefined;
}

function targetOf(params: Readonly<Record<string, string>>): GroupVersionKind | null {
  const { as, g, v } = params;
  if (as === undefined && g === undefined && v === undefined) return null;
  return Object.freeze({ group: g ?? '', version: v ?? '', kind: as ?? '' });
}

function streamContentType(mediaType: string): string {
  return mediaType === MEDIA_TYPE_JSON ? mediaType : `${mediaType};stream=watch`;
}

function result(
  mediaType: string,
  target: GroupVersionKind | null,
  pretty: boolean,
  stream: boolean,
): NegotiatedOutput {
  return Object.freeze({
    mediaType,
    target,
    pretty,
    contentType: stream ? streamContentType(mediaType) : mediaType,
  });
}

/**
 * Picks the answer's media type and target the way kube's NegotiateMediaTypeOptions does: ranges
 * best first, and for each the served types in order; a range's `as`/`g`/`v` name a target the
 * endpoint must allow, `stream` must be `watch` on a streamable type, `sv` is refused, `pretty=1`
 * is noted. A missing or empty header takes the first served type. Unlike kube (whose goautoneg
 * ignores weights of zero), `q=0` refuses what it names. Returns undefined when nothing fits.
 */
export function findOutputMediaType(
  accept: string | null | undefined,
  options: OutputNegotiationOptions = {},
): NegotiatedOutput | undefined {
  const mediaTypes = options.mediaTypes ?? SERVED_MEDIA_TYPES;
  const stream = options.stream === true;
  if (accept === undefined || accept === null || accept === '') {
    const first = mediaTypes[0];
    return first === undefined ? undefined : result(first, null, false, stream);
  }
  const allows = options.allowsTransform ?? plainOnly;
  const ranges = parseAccept(accept);
  const types = offered(mediaTypes);
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (!(range.q > 0)) continue;
    const spec = specificity(range);
    for (const [mediaType, type, subtype] of types) {
      if (!matches(range, type, subtype)) continue;
      if (ranges.some((r) => refuses(r) && specificity(r) >= spec && matches(r, type, subtype))) {
        continue;
      }
      const params = range.params;
      const streamParam = params.stream;
      if (
        streamParam !== undefined &&
        streamParam !== '' &&
        (!STREAMABLE.has(mediaType) || streamParam !== 'watch')
      ) {
        continue;
      }
      if (params.sv !== undefined && params.sv !== '') continue;
      const target = targetOf(params);
      if (!allows(mediaType, target)) continue;
      return result(mediaType, target, params.pretty === '1', stream);
    }
  }
  return undefined;
}

/**
 * {@link findOutputMediaType}, failing with kube's 406 `only the following media types are
 * accepted: …` when nothing fits. For a watch (`stream`), a type that cannot be streamed (YAML)
 * is a 406 too, listing the watch types, as kube's NegotiateOutputMediaTypeStream answers.
 */
export function negotiateOutput(
  accept: string | null | undefined,
  options: OutputNegotiationOptions = {},
): NegotiatedOutput {
  const mediaTypes = options.mediaTypes ?? SERVED_MEDIA_TYPES;
  const found = findOutputMediaType(accept, options);
  if (options.stream === true) {
    if (found === undefined || !STREAMABLE.has(found.mediaType)) {
      throw notAcceptable(
        mediaTypes.filter((m) => STREAMABLE.has(m.toLowerCase())).map((m) => `${m};stream=watch`),
      );
    }
    return found;
  }
  if (found === undefined) throw notAcceptable(mediaTypes);
  return found;
}

/**
 * The media type with the target appended as kube's WriteObjectNegotiated does when it lists the
 * GVK in the Content-Type (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`);
 * kubectl ignores an aggregated discovery answer without this echo.
 */
export function mediaTypeWithTarget(mediaType: string, target: GroupVersionKind | null): string {
  if (target === null) return mediaType;
  let out = mediaType;
  if (target.group !== '') out += `;g=${target.group}`;
  if (target.version !== '') out += `;v=${target.version}`;
  if (target.kind !== '') out += `;as=${target.kind}`;
  return out;
}

/** Go's strconv.ParseBool, true side. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/**
 * Whether to pretty-print as kube's isPrettyPrint decides besides the media type: `?pretty=` parsed
 * as Go's ParseBool, else true for curl, Wget and browsers (by User-Agent).
 */
export function isPrettyPrint(
  query: URLSearchParams | undefined,
  userAgent: string | undefined,
): boolean {
  const pretty = query?.get('pretty');
  if (pretty !== undefined && pretty !== null && pretty !== '') return GO_TRUE.has(pretty);
  if (userAgent === undefined) return false;
  return (
    userAgent.startsWith('curl') ||
    userAgent.startsWith('Wget') ||
    userAgent.startsWith('Mozilla/5.0')
  );
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/** The reader a request body needs. */
export type BodyFormat =
  | 'json'
  | 'yaml'
  | 'protobuf'
  | 'json-patch'
  | 'merge-patch'
  | 'strategic-merge-patch'
  | 'apply-patch';

const FORMATS: ReadonlyMap<string, BodyFormat> = new Map<string, BodyFormat>([
  [MEDIA_TYPE_JSON, 'json'],
  [MEDIA_TYPE_YAML, 'yaml'],
  [MEDIA_TYPE_PROTOBUF, 'protobuf'],
  [MEDIA_TYPE_JSON_PATCH, 'json-patch'],
  [MEDIA_TYPE_MERGE_PATCH, 'merge-patch'],
  [MEDIA_TYPE_STRATEGIC_MERGE_PATCH, 'strategic-merge-patch'],
  [MEDIA_TYPE_APPLY_PATCH, 'apply-patch'],
]);

const PATCH_FORMATS: ReadonlySet<BodyFormat> = new Set<BodyFormat>([
  'json-patch',
  'merge-patch',
  'strategic-merge-patch',
  'apply-patch',
]);

/** A parsed `Content-Type`. */
export interface ContentType {
  /** Lower-cased `type/subtype`. */
  readonly mediaType: string;
  /** Parameters (`charset`, …), names lower-cased; `undefined` when they were malformed. */
  readonly params: Readonly<Record<string, string>> | undefined;
}

const contentTypeCache = new BoundedCache<ContentType | null>(64);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Parses a `Content-Type`; null when the media type itself is malformed. Cached. */
export function parseContentType(header: string): ContentType | null {
  const cached = contentTypeCache.get(header);
  if (cached !== undefined) return cached;
  const parts = splitOutsideQuotes(header, ';');
  const mediaType = trimOws(parts[0]!).toLowerCase();
  const slash = mediaType.indexOf('/');
  let parsed: ContentType | null = null;
  if (
    slash > 0 &&
    TOKEN.test(mediaType.slice(0, slash)) &&
    TOKEN.test(mediaType.slice(slash + 1))
  ) {
    const params = parts.length > 1 ? parseParams(parts, 1) : EMPTY_PARAMS;
    parsed = Object.freeze({
      mediaType,
      params: params === undefined || params === EMPTY_PARAMS ? params : Object.freeze(params),
    });
  }
  if (header.length <= MAX_CACHED_HEADER) contentTypeCache.set(header, parsed);
  return parsed;
}

/** The outcome of input negotiation. */
export interface NegotiatedInput {
  /** The body's media type, lower-cased, without parameters. */
  readonly mediaType: string;
  /** Which reader to use. */
  readonly format: BodyFormat;
  /** The parameters given (`charset` and so on; kube ignores them). */
  readonly params: Readonly<Record<string, string>>;
}

// successful negotiations per accepted list (usually one of a few constant arrays)
const inputCache = new WeakMap<readonly string[], BoundedCache<NegotiatedInput>>();

const JSON_INPUT: NegotiatedInput = Object.freeze({
  mediaType: MEDIA_TYPE_JSON,
  format: 'json',
  params: EMPTY_PARAMS,
});

/**
 * Picks the reader for a request body from its `Content-Type`, among the media types the endpoint
 * `accepted` (default {@link SERVED_MEDIA_TYPES}; a PATCH endpoint passes the patch types it takes).
 * A missing header means JSON where JSON is accepted (kube's NegotiateInputSerializer); parameters
 * such as `charset` are ignored. Anything else is kube's 415 listing the accepted types. A patch
 * type with malformed parameters is still recognized, as kube's patch handler only cuts at `;`.
 */
export function negotiateInput(
  contentType: string | null | undefined,
  accepted: readonly string[] = SERVED_MEDIA_TYPES,
): NegotiatedInput {
  if (contentType === undefined || contentType === null || trimOws(contentType) === '') {
    if (accepted.includes(MEDIA_TYPE_JSON)) return JSON_INPUT;
    throw unsupportedMediaType(accepted);
  }
  let cache = inputCache.get(accepted);
  const cached = cache?.get(contentType);
  if (cached !== undefined) return cached;
  const parsed = parseContentType(contentType);
  const format = parsed === null ? undefined : FORMATS.get(parsed.mediaType);
  if (
    parsed === null ||
    format === undefined ||
    !accepted.some((a) => a.toLowerCase() === parsed.mediaType) ||
    (parsed.params === undefined && !PATCH_FORMATS.has(format))
  ) {
    throw unsupportedMediaType(accepted);
  }
  const negotiated: NegotiatedInput = Object.freeze({
    mediaType: parsed.mediaType,
    format,
    params: parsed.params ?? EMPTY_PARAMS,
  });
  if (contentType.length <= MAX_CACHED_HEADER) {
    if (cache === undefined) {
      cache = new BoundedCache<NegotiatedInput>(32);
      inputCache.set(accepted, cache);
    }
    cache.set(contentType, negotiated);
  }
  return negotiated;
}
