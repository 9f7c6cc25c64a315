/**
 * Body helpers shared by the JSON and YAML codecs. Internal.
 * @module
 */
import { badRequest } from '../errors.js';

/** A request or response body: raw bytes, or text already decoded as UTF-8. */
export type Body = Uint8Array | string;

/** The body as text; invalid UTF-8 becomes U+FFFD, as Go's decoders treat it. */
export function bodyText(body: Body): string {
  if (typeof body === 'string') return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** The body as UTF-8 bytes. */
export function bodyBytes(body: Body): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** The body's size in bytes, without encoding it. */
export function bodyByteLength(body: Body): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

// as kube: k8s.io/apimachinery pkg/runtime/serializer/json/meta.go SimpleMetaFactory.Interpret
export const INTERPRET_PREFIX = "couldn't get version/kind; json parse error: ";
const INTERPRET_TARGET =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // 'string' | 'number'
}

/**
 * The decoded value as an object, or the 400 kube's serializer gives a body that is not one: a
 * type error from reading apiVersion/kind, or, for `null`, the missing-kind error.
 */
export function requireObject(value: unknown, original: string): Record<string, unknown> {
  if (value === null || value === undefined) {
    // as kube: runtime.NewMissingKindErr, where a null body ends up
    throw badRequest(`Object 'Kind' is missing in '${original.trim()}'`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(
      `${INTERPRET_PREFIX}json: cannot unmarshal ${goTypeName(value)} into Go value of type ${INTERPRET_TARGET}`,
    );
  }
  return value as Record<string, unknown>;
}
