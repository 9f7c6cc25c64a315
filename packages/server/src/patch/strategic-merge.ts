/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): the merge rules, directives,
 * result ordering and error catalogue of PATCH-APPLY.md Part A, with the behaviour of
 * k8s.io/apimachinery pkg/util/strategicpatch (StrategicMergeMapPatch) and its exact messages.
 * @module
 */
import { DEDUCED, fieldOf, type MergeNode, type MergeSchema } from './merge-schema.js';
import { goPrint, goPrintS, goTypeName } from './go-format.js';
import {
  deleteOwn,
  hasOwn as has,
  isJSONObject as isMap,
  setOwn,
  type JSONObject,
} from './json-util.js';

/**
 * How an SMP failure is answered (A3 step 5, A6): `badRequest` and `plain` (kube: 500, Kapi: 400)
 * as 400, `unprocessable` as kube's generic 422, `schema` (a schema that cannot be merged) as 500.
 */
export type StrategicMergeErrorKind = 'badRequest' | 'unprocessable' | 'plain' | 'schema';

/** A strategic merge patch that cannot be applied; the message is kube's. */
export class StrategicMergeError extends Error {
  constructor(
    message: string,
    /** How the server answers it. */
    readonly kind: StrategicMergeErrorKind,
  ) {
    super(message);
    this.name = 'StrategicMergeError';
  }
}

// the sentinel errors of k8s.io/apimachinery pkg/util/mergepatch
const badRequest = (message: string) => new StrategicMergeError(message, 'badRequest');
const plain = (message: string) => new StrategicMergeError(message, 'plain');
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

const DIRECTIVE = '$patch';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** The Go kind of a decoded value, which decides whether two values merge or the patch replaces. */
type GoKind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map';
  }
}

function noMergeKey(m: JSONObject, key: string): StrategicMergeError {
  return plain(`map: ${goPrint(m)} does not contain declared merge key: ${key}`);
}

function badArgType(expected: string, actual: unknown): StrategicMergeError {
  return plain(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function asList(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw badArgType('[]interface {}', v);
  return v;
}

function asMap(v: unknown): JSONObject {
  if (!isMap(v)) throw badArgType('map[string]interface {}', v);
  return v;
}

/**
 * Applies a strategic merge patch to an object and returns the result. Neither input is modified.
 * Throws {@link StrategicMergeError}.
 */
export function strategicMergePatch(
  original: JSONObject,
  patch: JSONObject,
  schema: MergeSchema,
): JSONObject {
  return mergeMap(structuredClone(original), structuredClone(patch), schema.root);
}

function lookupField(node: MergeNode, key: string): MergeNode {
  const child = fieldOf(node, key);
  // as kube: strategicpatch PatchMetaFromOpenAPIV3 traverse
  if (child === undefined) throw plain(`unable to find api field "${key}"`);
  return child;
}

function mergeMap(
  original: JSONObject | undefined,
  patch: JSONObject,
  node: MergeNode,
): JSONObject {
  if (has(patch, DIRECTIVE)) return directiveInMergeMap(patch[DIRECTIVE], patch);
  const out = original ?? {};
  applyRetainKeys(out, patch);
  mergeSetElementOrderLists(out, patch, node);

  // deletions from primitive lists first: the result must not depend on key order (A4.10)
  const keys = Object.keys(patch);
  const ordered = [
    ...keys.filter((k) => k.startsWith(DELETE_FROM_PRIMITIVE_LIST)),
    ...keys.filter((k) => !k.startsWith(DELETE_FROM_PRIMITIVE_LIST)),
  ];
  for (const rawKey of ordered) {
    const patchValue = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchValue === null) {
      deleteOwn(out, key);
      continue;
    }
    if (!has(out, key) || goKind(out[key]) !== goKind(patchValue)) {
      if (!isDeleteList) setWithoutDirectives(out, key, patchValue);
      continue;
    }
    const current = out[key];
    if (isMap(current)) {
      const child = lookupField(node, key);
      setOwn(
        out,
        key,
        child.patchStrategy === 'replace'
          ? patchValue
          : mergeMap(current, patchValue as JSONObject, child),
      );
    } else if (Array.isArray(current)) {
      const child = lookupField(node, key);
      setOwn(out, key, mergeSliceHandler(current, patchValue as unknown[], child, isDeleteList));
    } else {
      setOwn(out, key, patchValue);
    }
  }
  return out;
}

/** A patch value landing where live has nothing (or something of another type): nulls and directives go. */
function setWithoutDirectives(out: JSONObject, key: string, value: unknown): void {
  discardNulls(value);
  const [kept, keep] = removeDirectives(value);
  if (keep) setOwn(out, key, kept);
  else deleteOwn(out, key);
}

function directiveInMergeMap(directive: unknown, patch: JSONObject): JSONObject {
  if (directive === 'replace') {
    deleteOwn(patch, DIRECTIVE);
    return patch;
  }
  if (directive === 'delete') return {};
  throw plain(`unknown patch type: ${goPrintS(directive)} in map: ${goPrint(patch)}`);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(
      prefix === DELETE_FROM_PRIMITIVE_LIST ? ERR_BAD_PRIMITIVE_LIST : ERR_BAD_SET_ELEMENT_ORDER,
    );
  }
  return key.slice(slash + 1);
}

function applyRetainKeys(original: JSONObject, patch: JSONObject): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  deleteOwn(patch, RETAIN_KEYS);
  if (!Array.isArray(retain)) throw badRequest(ERR_BAD_RETAIN_KEYS);
  const keep = new Set<unknown>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (
      value === null ||
      key.startsWith(DELETE_FROM_PRIMITIVE_LIST) ||
      key.startsWith(SET_ELEMENT_ORDER)
    ) {
      continue;
    }
    if (!keep.has(key)) throw badRequest(ERR_BAD_RETAIN_KEYS);
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) deleteOwn(original, key);
}

/** Processes every `$setElementOrder/<f>` with its list `<f>`, and takes both out of the patch (A5.5). */
function mergeSetElementOrderLists(original: JSONObject, patch: JSONObject, node: MergeNode): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const orderValue = patch[key];
    deleteOwn(patch, key);
    const order = asList(orderValue);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = has(original, field);
    const foundPatch = has(patch, field);
    const originalList = foundOriginal ? asList(original[field]) : [];
    const patchList = foundPatch ? asList(patch[field]) : [];
    const child = lookupField(node, field);
    const mergeKey = child.patchMergeKey;
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
    else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler(originalList, patchList, child, false);
    } else continue;

    const [patchItems, serverOnly] =
      mergeKey === '' ? partitionPrimitives(merged, order) : partitionMaps(merged, order, mergeKey);
    const kind = sliceElementType([originalList, patchList]);
    setOwn(
      original,
      field,
      normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind),
    );
    deleteOwn(patch, field);
  }
}

function validatePatchWithSetOrderList(
  patchList: unknown[],
  order: unknown[],
  mergeKey: string,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey === '' ? patchList : splitDeleteItems(patchList)[0];
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    const item = nonDelete[p];
    if (isMap(item) && has(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw plain(
      `The order in patch list:\n${goPrint(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goPrint(order)}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  const l = asMap(left);
  const r = asMap(right);
  if (!has(l, mergeKey)) throw noMergeKey(l, mergeKey);
  if (!has(r, mergeKey)) throw noMergeKey(r, mergeKey);
  return l[mergeKey] === r[mergeKey];
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  field: MergeNode,
  isDeleteList: boolean,
): unknown[] {
  // deletion lists work whatever the field's strategy (A5.3)
  if (field.patchStrategy !== 'merge' && !isDeleteList) return patch;
  const element = field.list?.element ?? DEDUCED;
  return mergeSlice(original, patch, element, field.patchMergeKey, isDeleteList);
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  element: MergeNode,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType([original, patch]);
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') {
      throw new StrategicMergeError(
        `cannot merge lists without merge key for ${element.openAPIType}`,
        'schema',
      );
    }
    [original, patch] = applySpecialElements(original, patch, mergeKey);
    merged = mergeByKey(original, patch, mergeKey, element);
  }
  const [patchItems, serverOnly] =
    mergeKey === '' ? partitionPrimitives(merged, patch) : partitionMaps(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** All elements of the lists must share one Go type, and must not be lists. */
function sliceElementType(lists: unknown[][]): GoKind {
  let kind: GoKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v);
      if (kind === undefined) {
        kind = k;
        if (k === 'slice') throw new StrategicMergeError(ERR_NO_LIST_OF_LISTS, 'unprocessable');
      } else if (kind !== k) {
        throw plain(`list element types are not identical: ${goPrint(lists)}`);
      }
    }
  }
  if (kind === undefined) throw plain('no elements in any of the given slices');
  return kind;
}

function dedupeScalars(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.includes(v)) out.push(v);
  return out;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  return current.filter((v) => !toDelete.includes(v));
}

/** Executes `$patch: delete` and `$patch: replace` elements; returns the live list and the plain patch elements. */
function applySpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const plainElements: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JSONObject;
    if (!has(m, DIRECTIVE)) {
      plainElements.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === 'delete') {
      if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
      original = deleteMatchingEntries(original, mergeKey, m[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw plain('merging lists cannot yet be specified in the patch');
    } else {
      throw plain(`unknown patch type: ${goPrintS(directive)} in map: ${goPrint(m)}`);
    }
  }
  return replace ? [plainElements, []] : [original, plainElements];
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isMap(item)) throw plain(`value for key ${i} is not a map`);
    if (has(item, key) && item[key] === value) return i;
  }
  return -1;
}

function deleteMatchingEntries(original: unknown[], key: string, value: unknown): unknown[] {
  const out = original.slice();
  for (let i = findByKey(out, key, value); i >= 0; i = findByKey(out, key, value)) {
    out.splice(i, 1);
  }
  return out;
}

function mergeByKey(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  element: MergeNode,
): unknown[] {
  // a copy: the live list keeps serving as the reference order afterwards
  const merged = original.slice();
  for (const v of patch) {
    const m = v as JSONObject;
    if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
    const i = findByKey(merged, mergeKey, m[mergeKey]);
    if (i >= 0) merged[i] = mergeMap(merged[i] as JSONObject, m, element);
    else merged.push(v);
  }
  return merged;
}

function partitionPrimitives(merged: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) (inPatch.has(v) ? patchItems : serverOnly).push(v);
  return [patchItems, serverOnly];
}

function partitionMaps(merged: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    const m = asMap(v);
    if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
    (findByKey(by, mergeKey, m[mergeKey]) >= 0 ? patchItems : serverOnly).push(v);
  }
  return [patchItems, serverOnly];
}

function splitDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    const m = asMap(v);
    (m[DIRECTIVE] === 'delete' ? toDelete : keep).push(v);
  }
  return [keep, toDelete];
}

/** The identity of an element: the merge-key value for objects, the value itself otherwise. */
function identity(item: unknown, mergeKey: string, kind: GoKind): unknown {
  if (kind !== 'map') return item;
  return isMap(item) ? (item[mergeKey] ?? null) : null;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: GoKind): number {
  const id = identity(item, mergeKey, kind);
  return list.findIndex((v) => identity(v, mergeKey, kind) === id);
}

/** Sorts the patch items by the patch order and the server-only items by the live order, then interleaves them (A4.9). */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  const patchSorted = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let s = 0;
  let p = 0;
  while (s < serverSorted.length || p < patchSorted.length) {
    if (s >= serverSorted.length) out.push(patchSorted[p++]);
    else if (p >= patchSorted.length) out.push(serverSorted[s++]);
    else {
      // a server-only item goes first only when both occur in live and it comes first there
      const si = indexIn(serverOrder, serverSorted[s], mergeKey, kind);
      const pi = indexIn(serverOrder, patchSorted[p], mergeKey, kind);
      if (si >= 0 && pi >= 0 && si < pi) out.push(serverSorted[s++]);
      else out.push(patchSorted[p++]);
    }
  }
  return out;
}

function sortByOrder(
  items: unknown[],
  order: unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  let toSort = items;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const list of [items, order]) {
      for (const item of list) {
        const m = asMap(item);
        if (!has(m, mergeKey)) throw noMergeKey(m, mergeKey);
      }
    }
    [toSort, toDelete] = splitDeleteItems(items);
  }
  const ranked = toSort.map((item, i) => {
    const at = indexIn(order, item, mergeKey, kind);
    return { item, rank: at >= 0 ? at : Number.MAX_SAFE_INTEGER, i };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return [...ranked.map((r) => r.item), ...toDelete];
}

/** Removes nulls from every object inside a value (nulls in lists stay). */
function discardNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) discardNulls(x);
  } else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) deleteOwn(v, k);
      else discardNulls(x);
    }
  }
}

/** Drops every object carrying `$patch` (and list elements that are such objects); the flag says whether the value itself stays. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [kept, keep] = removeDirectives(x);
      if (keep) out.push(kept);
    }
    return [out, true];
  }
  if (isMap(v)) {
    if (has(v, DIRECTIVE)) return [undefined, false];
    for (const [k, x] of Object.entries(v)) {
      const [kept, keep] = removeDirectives(x);
      if (keep) setOwn(v, k, kept);
      else deleteOwn(v, k);
    }
  }
  return [v, true];
}
