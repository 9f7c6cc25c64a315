/**
 * The single entry point of the PATCH handler: decode the body of a JSON, merge or strategic merge
 * patch, apply it to the current object, and answer every failure with kube's StatusError
 * (k8s.io/apiserver pkg/endpoints/handlers/patch.go).
 * @module
 */
import {
  badRequest,
  fieldError,
  invalid,
  requestEntityTooLarge,
  StatusError,
  unsupportedMediaType,
  type KubeObject,
} from '@kapi/apimachinery';
import {
  APPLY_PATCH_TYPE,
  JSON_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  patchTypeOf,
  patchTypes,
  STRATEGIC_MERGE_PATCH_TYPE,
} from './content-type.js';
import { goPrint } from './go-format.js';
import { applyJSONPatch, JSONPatchError } from './json-patch.js';
import { strictDecodingErrors } from './json-strict.js';
import { isJSONObject, type JSONObject } from './json-util.js';
import { jsonMergePatch, mergePatchFromList } from './merge-patch.js';
import type { MergeSchema } from './merge-schema.js';
import { StrategicMergeError, strategicMergePatch } from './strategic-merge.js';

/** kube's limit on the operations of one JSON patch (handlers/patch.go maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/** Options of {@link applyPatch}. */
export interface ApplyPatchOptions {
  /** The content types the resource accepts; default {@link patchTypes}. Use `untypedPatchTypes` for CRD-style resources. */
  accepted?: readonly string[];
  /** The `fieldValidation` query parameter: `''` (the default, meaning Warn), `Ignore`, `Warn` or `Strict`. */
  fieldValidation?: string;
}

/** What {@link applyPatch} produced. */
export interface PatchResult {
  /** The patched object, as the patch left it (nulls and unknown keys included); decoding comes next. */
  object: KubeObject;
  /**
   * Strict-decoding findings in the patch body (duplicate keys; unknown members of JSON patch
   * operations), worded as kube. With `Warn` each becomes a `Warning` header; with `Strict`
   * the request fails: see {@link strictPatchError}. Empty with `Ignore`.
   */
  strictErrors: string[];
  /** The value kube prints in a 422 about this patch: the patched JSON, or the SMP patch map as Go prints it. */
  invalidValue: string;
}

/** The 422 kube answers when a patch is wrong in a way found while decoding its result (field `patch`). */
export function patchInvalidError(invalidValue: string, detail: string): StatusError {
  return invalid({ group: '', kind: '' }, '', [fieldError.invalid('patch', invalidValue, detail)]);
}

/**
 * The 422 of `fieldValidation=Strict` for strict-decoding errors (those of the patch body and any
 * the decoding of the result adds), as kube words it.
 */
export function strictPatchError(result: PatchResult, more: readonly string[] = []): StatusError {
  return patchInvalidError(
    result.invalidValue,
    `strict decoding error: ${[...result.strictErrors, ...more].join(', ')}`,
  );
}

// kube answers a JSON patch that does not apply with a generic 422 that drops the reason
// (handlers/patch.go applyJSPatch → errors.NewGenericServerResponse)
function genericUnprocessable(cause: Error): StatusError {
  const err = new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  err.cause = cause;
  return err;
}

/** A plain Go error answered as kube does: 500, no reason, the message verbatim. */
function plainServerError(message: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: '',
    code: 500,
  });
}

function fromStrategicError(err: StrategicMergeError): StatusError {
  switch (err.kind) {
    case 'unprocessable':
      return genericUnprocessable(err);
    case 'schema':
      return plainServerError(err.message);
    default:
      // kube: 500 for the plain errors; Kapi answers all client mistakes with 400 (A3 step 5)
      return badRequest(err.message);
  }
}

function goJSONKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v;
}

function unmarshalError(v: unknown, goType: string): string {
  return `json: cannot unmarshal ${goJSONKind(v)} into Go value of type ${goType}`;
}

function decodeText(body: Uint8Array | string): string {
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/** The Go decoding kube runs on JSON patch operations under Warn/Strict (into []handlers.jsonPatchOp). */
function checkJSONPatchShape(ops: unknown): void {
  if (ops === null) return;
  if (!Array.isArray(ops)) {
    throw badRequest(`error decoding patch: ${unmarshalError(ops, '[]handlers.jsonPatchOp')}`);
  }
  for (const op of ops) {
    if (op === null) continue;
    if (!isJSONObject(op)) {
      throw badRequest(`error decoding patch: ${unmarshalError(op, 'handlers.jsonPatchOp')}`);
    }
    // in document order: Go reports the first member that does not decode
    for (const [field, v] of Object.entries(op)) {
      if (field !== 'op' && field !== 'path' && field !== 'from') continue;
      if (v !== null && typeof v !== 'string') {
        throw badRequest(
          `error decoding patch: json: cannot unmarshal ${goJSONKind(v)} into Go struct field jsonPatchOp.${field} of type string`,
        );
      }
    }
  }
}

function jsonPatch(current: KubeObject, ops: unknown, strict: boolean, text: string): PatchResult {
  let strictErrors: string[] = [];
  if (strict) {
    checkJSONPatchShape(ops);
    strictErrors = strictDecodingErrors(text, true).map((e) => `json patch ${e}`);
  }
  if (ops !== null && !Array.isArray(ops)) {
    throw badRequest(unmarshalError(ops, 'jsonpatch.Patch'));
  }
  const list: unknown[] = ops ?? [];
  if (!strict) {
    const bad = list.find((op) => op !== null && !isJSONObject(op));
    if (bad !== undefined) throw badRequest(unmarshalError(bad, 'jsonpatch.Operation'));
  }
  if (list.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${list.length}`,
    );
  }
  let patched: unknown;
  try {
    patched = applyJSONPatch(current, list);
  } catch (err) {
    if (err instanceof JSONPatchError) throw genericUnprocessable(err);
    throw err;
  }
  return finish(patched, strictErrors);
}

function mergePatch(
  current: KubeObject,
  patch: unknown,
  strict: boolean,
  text: string,
): PatchResult {
  let strictErrors: string[] = [];
  if (strict) {
    if (patch !== null && !isJSONObject(patch)) {
      throw badRequest(`error decoding patch: ${unmarshalError(patch, 'map[string]interface {}')}`);
    }
    strictErrors = strictDecodingErrors(text);
  }
  // as kube (evanphx MergePatch): null and scalars are no patch; a list becomes the document
  if (Array.isArray(patch)) return finish(mergePatchFromList(patch), strictErrors);
  if (!isJSONObject(patch)) throw badRequest('Invalid JSON Patch');
  return finish(jsonMergePatch(current, patch), strictErrors);
}

function strategicPatch(
  current: KubeObject,
  patch: unknown,
  schema: MergeSchema | undefined,
  strict: boolean,
  text: string,
): PatchResult {
  if (patch !== null && !isJSONObject(patch)) {
    throw badRequest(unmarshalError(patch, 'map[string]interface {}'));
  }
  const strictErrors = strict ? strictDecodingErrors(text) : [];
  if (schema === undefined) throw badRequest('strategic merge patch format is not supported');
  const patchMap = patch ?? {};
  let patched: JSONObject;
  try {
    patched = strategicMergePatch(current, patchMap, schema);
  } catch (err) {
    if (err instanceof StrategicMergeError) throw fromStrategicError(err);
    throw err;
  }
  return { object: patched, strictErrors, invalidValue: goPrint(patchMap) };
}

function finish(patched: unknown, strictErrors: string[]): PatchResult {
  const invalidValue = JSON.stringify(patched);
  if (!isJSONObject(patched)) {
    // what decoding the patched JSON into an object then says
    throw patchInvalidError(invalidValue, unmarshalError(patched, 'map[string]interface {}'));
  }
  return { object: patched, strictErrors, invalidValue };
}

/**
 * Applies a PATCH body to the current object. `contentType` is the request's Content-Type header
 * (parameters after `;` are ignored); `mergeSchema` is needed for strategic merge patch.
 *
 * Throws StatusErrors as kube answers: 415 for a content type the resource does not accept, and
 * for server-side apply (not supported yet); 400 for a body that is not JSON or not the right
 * shape, for bad SMP directives and for SMP on a resource without a merge schema; 413 for more
 * than 10 000 JSON patch operations; 422 (kube's generic message) for a JSON patch operation that
 * does not apply, a failed `test`, or an SMP list of lists; 500 for a merge schema SMP cannot use.
 * The current object is never modified.
 */
export function applyPatch(
  contentType: string,
  current: KubeObject,
  body: Uint8Array | string,
  mergeSchema: MergeSchema | undefined,
  options: ApplyPatchOptions = {},
): PatchResult {
  const accepted = options.accepted ?? patchTypes;
  const patchType = patchTypeOf(contentType);
  if (!accepted.includes(patchType)) throw unsupportedMediaType(accepted);
  if (patchType === APPLY_PATCH_TYPE) {
    throw new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `server-side apply (${APPLY_PATCH_TYPE}) is not supported yet by this server; use ${MERGE_PATCH_TYPE}, ${JSON_PATCH_TYPE} or ${STRATEGIC_MERGE_PATCH_TYPE}`,
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  }
  const text = decodeText(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('invalid JSON patch');
  }
  const directive = options.fieldValidation ?? '';
  const strict = directive === '' || directive === 'Warn' || directive === 'Strict';
  switch (patchType) {
    case JSON_PATCH_TYPE:
      return jsonPatch(current, parsed, strict, text);
    case MERGE_PATCH_TYPE:
      return mergePatch(current, parsed, strict, text);
    case STRATEGIC_MERGE_PATCH_TYPE:
      return strategicPatch(current, parsed, mergeSchema, strict, text);
    default:
      throw unsupportedMediaType(accepted);
  }
}
