/**
 * The manager name of a write (PATCH-APPLY.md B4.2): the `fieldManager` query parameter, else the
 * User-Agent up to its first `/` (as kube: k8s.io/apiserver pkg/endpoints/handlers/create.go
 * managerOrUserAgent, prefixFromUserAgent). Validate `fieldManager` itself with
 * `validateFieldManager` of @kapi/apimachinery (or `validatePatchOptions` for PATCH).
 * @module
 */
import { FIELD_MANAGER_MAX_LENGTH } from '@kapi/apimachinery';

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const encoder = new TextEncoder();

/**
 * The characters of a header value. Node hands header values over as latin1 (one character per
 * byte); kube reads the bytes as UTF-8, so such a string is decoded again.
 */
function headerText(value: string): string {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return value;
  return new TextDecoder().decode(Buffer.from(value, 'latin1'));
}

/**
 * The manager name kube derives from a User-Agent: the part before the first `/`, without
 * non-printable characters, cut to at most 128 bytes (`kubectl/v1.31 (linux)` → `kubectl`).
 */
export function managerFromUserAgent(userAgent: string): string {
  const prefix = headerText(userAgent).split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!PRINTABLE.test(ch)) continue;
    const size = encoder.encode(ch).length;
    if (bytes + size > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * The manager of a non-apply write: `fieldManager` when given (already validated), else the
 * User-Agent's prefix. An empty result is recorded as `unknown` when managedFields are updated.
 */
export function fieldManagerOrUserAgent(
  fieldManager: string | undefined,
  userAgent: string | undefined,
): string {
  if (fieldManager !== undefined && fieldManager !== '') return fieldManager;
  return managerFromUserAgent(userAgent ?? '');
}
