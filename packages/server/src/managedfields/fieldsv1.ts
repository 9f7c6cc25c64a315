/**
 * The FieldsV1 encoding of a field set (PATCH-APPLY.md B3.1, B3.2): a JSON object trie whose keys
 * are serialized path elements, `"."` marking a node that is itself a member. Kube emits `"."`
 * first and children in path-element order; so does {@link setToFieldsV1}, which keeps
 * managedFields byte-stable.
 * @module
 */
import { isJSONObject } from '../patch/json-util.js';
import { FieldSet, type FieldSetChild } from './field-set.js';
import {
  comparePathElements,
  FieldsV1Error,
  parsePathElement,
  serializePathElement,
  type PathElement,
} from './path-element.js';

interface ParsedNode {
  /** The node marked itself with `"."`, or has no recognised children (a leaf). */
  member: boolean;
  set: FieldSet;
}

function parseNode(value: unknown): ParsedNode {
  // a null node reads as an empty object, as json-iterator's ReadMapCB accepts it
  if (value === null) return { member: true, set: FieldSet.EMPTY };
  if (!isJSONObject(value)) {
    throw new FieldsV1Error(
      `expected a JSON object in managed fields, got ${JSON.stringify(value)}`,
    );
  }
  let member = false;
  let recognised = false;
  // keyed by the canonical form: two spellings of one element are one element
  const members = new Map<string, PathElement>();
  const children = new Map<string, FieldSetChild>();
  for (const [key, child] of Object.entries(value)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = parsePathElement(key);
    if (pe === undefined) continue; // an unknown element type is skipped with its subtree
    recognised = true;
    const canonical = serializePathElement(pe);
    const parsed = parseNode(child);
    // as kube: a repeated element accumulates membership, and a later subtree replaces the earlier
    if (parsed.member) members.set(canonical, pe);
    if (!parsed.set.empty) children.set(canonical, { element: pe, set: parsed.set });
  }
  const sortedMembers = [...members.values()].sort(comparePathElements);
  const sortedChildren = [...children.values()].sort((a, b) =>
    comparePathElements(a.element, b.element),
  );
  return { member: member || !recognised, set: FieldSet.of(sortedMembers, sortedChildren) };
}

/**
 * Reads a FieldsV1 object into a set. Throws {@link FieldsV1Error} on a malformed key or a node
 * that is not an object. `null` or absent reads as the empty set.
 */
export function fieldsV1ToSet(fields: unknown): FieldSet {
  if (fields === null || fields === undefined) return FieldSet.EMPTY;
  if (!isJSONObject(fields)) {
    throw new FieldsV1Error(
      `expected a JSON object in managed fields, got ${JSON.stringify(fields)}`,
    );
  }
  return parseNode(fields).set;
}

function emit(set: FieldSet, includeSelf: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (includeSelf && !set.empty) out['.'] = {};
  let m = 0;
  let c = 0;
  const { members, children } = set;
  while (m < members.length || c < children.length) {
    const cmp =
      m >= members.length
        ? 1
        : c >= children.length
          ? -1
          : comparePathElements(members[m]!, children[c]!.element);
    if (cmp < 0) {
      out[serializePathElement(members[m++]!)] = {};
    } else if (cmp > 0) {
      const child = children[c++]!;
      out[serializePathElement(child.element)] = emit(child.set, false);
    } else {
      const child = children[c++]!;
      m++;
      out[serializePathElement(child.element)] = emit(child.set, true);
    }
  }
  return out;
}

/** Writes a set as a FieldsV1 object, keys in kube's order. The empty set is `{}`. */
export function setToFieldsV1(set: FieldSet): Record<string, unknown> {
  return emit(set, false);
}
