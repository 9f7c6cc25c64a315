/**
 * The JSON codec: request bodies to objects with kube's error wording, strict-mode duplicate
 * fields, compact encoding as kube writes it, and newline-delimited watch event framing.
 * @module
 */
import { StringDecoder } from 'node:string_decoder';
import { badRequest, StatusError } from '../errors.js';
import type { GroupVersionKind } from '../gvk.js';
import type { WatchEvent, WatchEventType } from '../meta/types.js';
import { bodyBytes, bodyText, INTERPRET_PREFIX, requireObject, type Body } from './body.js';
import { goJsonSyntaxError, scanJsonStructure } from './json-scan.js';

export type { Body } from './body.js';

/**
 * How deep objects and arrays may nest in a decoded body. Go stops at 10000, but recursive code
 * downstream (patching, validation, JSON.stringify) would overflow the JS stack long before that.
 */
export const DEFAULT_MAX_DEPTH = 300;

/** Options of {@link decodeJsonObject}. */
export interface JsonDecodeOptions {
  /** Report duplicate fields, as `fieldValidation=Strict|Warn` ask for. */
  strict?: boolean;
  /** Deepest nesting accepted; default {@link DEFAULT_MAX_DEPTH}. */
  maxDepth?: number;
}

/** A decoded body plus the strict-decoding problems found in it (empty unless strict). */
export interface DecodedObject {
  object: Record<string, unknown>;
  /**
   * Strict-decoding problems, each worded as kube words one (`duplicate field "spec.a"`). Fail the
   * request with {@link strictDecodingError} under `Strict`, or warn with
   * {@link strictDecodingWarnings} under `Warn`.
   */
  strictErrors: string[];
}

/** Go's message for the syntax error `JSON.parse` found in `body`. */
function syntaxMessage(body: Body, cause: unknown): string {
  return (
    goJsonSyntaxError(bodyBytes(body)) ?? (cause instanceof Error ? cause.message : 'invalid JSON')
  );
}

function tooDeep(maxDepth: number): StatusError {
  return badRequest(`the object nests deeper than the maximum of ${maxDepth} levels`);
}

/** Parses text, checking nesting only when the text is long enough to exceed `maxDepth`. */
function parseChecked(
  text: string,
  body: Body,
  prefix: string,
  strict: boolean,
  maxDepth: number,
): { value: unknown; duplicates: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(prefix + syntaxMessage(body, err));
  }
  if (!strict && text.length <= 2 * maxDepth) return { value, duplicates: [] };
  const { depth, duplicates } = scanJsonStructure(text, strict);
  if (depth > maxDepth) throw tooDeep(maxDepth);
  return { value, duplicates };
}

/**
 * Parses any JSON value. A syntax error is a 400 worded as Go's encoding/json words it
 * (`invalid character '}' looking for beginning of object key string`).
 */
export function decodeJson(body: Body, maxDepth: number = DEFAULT_MAX_DEPTH): unknown {
  return parseChecked(bodyText(body), body, '', false, maxDepth).value;
}

/**
 * Decodes a request body that must be a JSON object (a kube object, DeleteOptions, …). Malformed
 * JSON is a 400 `couldn't get version/kind; json parse error: <Go syntax error>`, as kube's JSON
 * serializer reports it; a body that is not an object is a 400 too. With `strict`, duplicate
 * fields come back in `strictErrors` (the object keeps the last value, as Go's decoder does).
 */
export function decodeJsonObject(body: Body, options: JsonDecodeOptions = {}): DecodedObject {
  const text = bodyText(body);
  const { value, duplicates } = parseChecked(
    text,
    body,
    INTERPRET_PREFIX,
    options.strict === true,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
  );
  return { object: requireObject(value, text), strictErrors: duplicates };
}

/**
 * The 400 kube answers under `fieldValidation=Strict`: `strict decoding error: <e1>, <e2>`
 * (k8s.io/apimachinery pkg/runtime/error.go strictDecodingError).
 */
export function strictDecodingError(errors: readonly string[]): StatusError {
  return badRequest(`strict decoding error: ${errors.join(', ')}`);
}

// as kube: k8s.io/apiserver pkg/endpoints/handlers/rest.go parseYAMLWarnings
const YAML_ERROR_PREFIXES = [
  'yaml: unmarshal errors:\n',
  'error converting YAML to JSON: yaml: unmarshal errors:\n',
];

/**
 * The `Warning` header texts for `fieldValidation=Warn`: one per strict error, with a YAML
 * multi-error split into its lines (as kube's addStrictDecodingWarnings does).
 */
export function strictDecodingWarnings(errors: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const err of errors) {
    const prefix = YAML_ERROR_PREFIXES.find((p) => err.startsWith(p));
    if (prefix === undefined) warnings.push(err);
    else for (const line of err.slice(prefix.length).split('\n')) warnings.push(line.trim());
  }
  return warnings;
}

/** kube's summarizeData: the first 30 bytes, as text for an object, else as hex. */
function summarize(body: Body): string {
  const bytes = bodyBytes(body);
  if (bytes.length === 0) return '<empty>';
  const head = bytes.subarray(0, 30);
  const more = bytes.length > 30 ? ' ...' : '';
  if (bytes[0] === 0x7b) return Buffer.from(head).toString('utf8') + more;
  return Buffer.from(head).toString('hex') + more;
}

/**
 * Rewords a decode failure the way a kube write handler reports it (k8s.io/apiserver
 * pkg/endpoints/handlers/rest.go transformDecodeError): `ConfigMap in version "v1" cannot be
 * handled as a ConfigMap: <cause>` when the body's kind is known, else `the object provided is
 * unrecognized (must be of type ConfigMap): <cause> (<first bytes>)`.
 */
export function transformDecodeError(
  cause: StatusError | string,
  expectedKind: string,
  body: Body,
  decoded?: GroupVersionKind,
): StatusError {
  const text = typeof cause === 'string' ? cause : (cause.status.message ?? '');
  if (decoded !== undefined && decoded.kind !== '') {
    return badRequest(
      `${decoded.kind} in version ${JSON.stringify(decoded.version)} cannot be handled as a ${expectedKind}: ${text}`,
    );
  }
  return badRequest(
    `the object provided is unrecognized (must be of type ${expectedKind}): ${text} (${summarize(body)})`,
  );
}

// Go's json.Marshal escapes these inside strings (encode.go, HTMLEscape and the JS line separators).
const GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPED_ALL = /[<>&\u2028\u2029]/g;
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function goEscape(json: string): string {
  // the characters can only occur inside strings, so a plain replace is exact
  return GO_ESCAPED.test(json) ? json.replace(GO_ESCAPED_ALL, (c) => GO_ESCAPES[c]!) : json;
}

/**
 * Compact JSON as Go's `json.Marshal` writes it: no whitespace, `<`, `>`, `&`, U+2028 and U+2029
 * escaped. No trailing newline (see {@link encodeJsonBody}).
 */
export function encodeJson(value: unknown): string {
  return goEscape(JSON.stringify(value));
}

/** Options of {@link encodeJsonBody}. */
export interface JsonBodyOptions {
  /** Indent with two spaces, as `?pretty=true` or `Accept: …;pretty=1` ask for. */
  pretty?: boolean;
}

/**
 * A response body exactly as kube's JSON serializer writes it: compact JSON plus the newline Go's
 * `json.Encoder` appends, or, when pretty, two-space indented JSON without one.
 */
export function encodeJsonBody(value: unknown, options: JsonBodyOptions = {}): string {
  if (options.pretty === true) return goEscape(JSON.stringify(value, null, 2));
  return goEscape(JSON.stringify(value)) + '\n';
}

/** One line of a JSON watch stream: `{"type":"ADDED","object":{…}}` and a newline. */
export function encodeWatchEvent(event: WatchEvent<unknown>): string {
  return `{"type":${JSON.stringify(event.type)},"object":${encodeJson(event.object)}}\n`;
}

const WATCH_EVENT_TYPES: ReadonlySet<string> = new Set<WatchEventType>([
  'ADDED',
  'MODIFIED',
  'DELETED',
  'BOOKMARK',
  'ERROR',
]);

/** Options of {@link JsonWatchDecoder}. */
export interface JsonWatchDecoderOptions {
  /** Longest event line accepted, in UTF-16 code units; default 64 MiB. */
  maxLineLength?: number;
}

/**
 * Splits a newline-delimited JSON watch stream into events, however the bytes are chunked
 * (a multi-byte character or an event may straddle chunks). Linear in the input: each byte is
 * searched for a newline once. A malformed line or an oversized event is a 400.
 */
export class JsonWatchDecoder {
  readonly #decoder = new StringDecoder('utf8');
  readonly #maxLineLength: number;
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(options: JsonWatchDecoderOptions = {}) {
    this.#maxLineLength = options.maxLineLength ?? 64 * 1024 * 1024;
  }

  /** Adds a chunk; returns the events it completed. */
  push(chunk: Uint8Array | string): WatchEvent<unknown>[] {
    const text =
      typeof chunk === 'string'
        ? chunk
        : this.#decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const events: WatchEvent<unknown>[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.#pending.push(text.slice(start, nl));
      this.#emit(events);
      start = nl + 1;
    }
    if (start < text.length) {
      this.#pending.push(text.slice(start));
      this.#pendingLength += text.length - start;
      if (this.#pendingLength > this.#maxLineLength) {
        throw badRequest(`watch event exceeds the maximum length of ${this.#maxLineLength}`);
      }
    }
    return events;
  }

  /** Ends the stream; returns a last event that had no newline after it. */
  end(): WatchEvent<unknown>[] {
    const rest = this.#decoder.end();
    if (rest !== '') this.#pending.push(rest);
    const events: WatchEvent<unknown>[] = [];
    this.#emit(events);
    return events;
  }

  #emit(events: WatchEvent<unknown>[]): void {
    const line = this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    if (line.trim() === '') return;
    if (line.length > this.#maxLineLength) {
      throw badRequest(`watch event exceeds the maximum length of ${this.#maxLineLength}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw badRequest(`malformed watch event: ${syntaxMessage(line, err)}`);
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      !WATCH_EVENT_TYPES.has((parsed as { type?: unknown }).type as string) ||
      typeof (parsed as { object?: unknown }).object !== 'object' ||
      (parsed as { object?: unknown }).object === null
    ) {
      throw badRequest('malformed watch event: want {"type":…,"object":{…}}');
    }
    events.push(parsed as WatchEvent<unknown>);
  }
}
