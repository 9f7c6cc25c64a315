/**
 * The list continue token: opaque to clients, it carries the revision the first page was read at
 * and the key to start after. Its shape matches kube's (base64 of
 * `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}`, k8s.io/apiserver pkg/storage continue.go), so
 * a token from one replica or backend works on any other.
 * @module
 */
import { badRequest } from '@kapi/apimachinery';

/** What a continue token carries. */
export interface ContinueToken {
  /**
   * The revision every page of the list is read at. Negative means "the latest": the inconsistent
   * continue token handed out with a 410 for a compacted revision (as kube, which never uses 0).
   */
  resourceVersion: number;
  /**
   * The key to resume at (inclusive), relative to the listed prefix. A page ends with the last
   * returned key + `"\u0000"`, the smallest key after it, as kube does.
   */
  startKey: string;
}

/** Encodes a continue token. `startKey` is relative to the listed prefix. */
export function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({
    v: 'meta.k8s.io/v1',
    rv: token.resourceVersion,
    start: token.startKey,
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Decodes a continue token; a malformed one is a 400 as in kube. */
export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw badRequest('continue key is not valid: not an object');
  }
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1') {
    throw badRequest('continue key is not valid: server does not recognize this encoded version');
  }
  // 0 is invalid and negative means "latest", as kube's DecodeContinue.
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv === 0) {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof start !== 'string' || start === '') {
    throw badRequest('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  }
  const cleaned = start.startsWith('/') ? start.slice(1) : start;
  if (cleaned.split('/').some((s) => s === '..' || s === '.')) {
    throw badRequest('continue key is not valid: path traversal not allowed');
  }
  return { resourceVersion: rv, startKey: cleaned };
}
