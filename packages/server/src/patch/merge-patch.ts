/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`), hand-written: it is a few lines, and
 * the edge cases must be kube's (gopkg.in/evanphx/json-patch.v4 MergePatch): nulls are pruned from
 * objects that are added, but a list replacing an object keeps them, and nulls inside lists stay.
 * @module
 */

import {
  deleteOwn,
  hasOwn,
  isJSONObject as isObject,
  setOwn,
  type JSONObject,
} from './json-util.js';

/** Removes null members of every object inside a value; nulls that are list elements stay. */
function pruneNulls(v: unknown): unknown {
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) deleteOwn(v, k);
      else pruneNulls(x);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) if (x !== null) pruneNulls(x);
  }
  return v;
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isObject(current)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeObjects(current, patch);
  return current;
}

function mergeObjects(doc: JSONObject, patch: JSONObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      deleteOwn(doc, key);
      continue;
    }
    const current = hasOwn(doc, key) ? doc[key] : null;
    setOwn(doc, key, current === null ? pruneNulls(value) : mergeValue(current, value));
  }
}

/** Applies a merge patch object to a copy of `doc` and returns it. Neither input is modified. */
export function jsonMergePatch(doc: JSONObject, patch: JSONObject): JSONObject {
  const out = structuredClone(doc);
  mergeObjects(out, structuredClone(patch));
  return out;
}

/** What a merge patch that is a list turns the document into (evanphx: the list itself, nulls pruned inside it). */
export function mergePatchFromList(patch: unknown[]): unknown[] {
  return pruneNulls(structuredClone(patch)) as unknown[];
}
