/**
 * Walks of objects against a merge schema (PATCH-APPLY.md B3.3, B5.9, B13.3): the set of a value,
 * the comparison of two objects, and the reconciliation of a stored set with a changed schema,
 * as sigs.k8s.io/structured-merge-diff typed (tofieldset.go, compare.go, reconcile_schema.go).
 * @module
 */
import { DEDUCED, type ListShape, type MergeNode } from '../patch/merge-schema.js';
import { hasOwn, isJSONObject } from '../patch/json-util.js';
import { FieldSet, FieldSetBuilder } from './field-set.js';
import {
  fieldElement,
  keyElement,
  serializePathElement,
  valueElement,
  valuesEqual,
  type Path,
  type PathElement,
} from './path-element.js';

/** An object that does not fit its schema where a walk needs it to (a list-map element without keys, …). */
export class SchemaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaMismatchError';
  }
}

type Shape = 'map' | 'scalar' | 'list';

/** The shape a value takes under a node (structured-merge-diff deduceAtom, then handleAtom's preference). */
function shapeOf(node: MergeNode, value: unknown): Shape | undefined {
  if (value !== undefined && value !== null) {
    if (isJSONObject(value)) {
      if (node.map !== undefined) return 'map';
    } else if (Array.isArray(value)) {
      if (node.list !== undefined) return 'list';
    } else if (node.scalar !== undefined) return 'scalar';
  }
  if (node.map !== undefined) return 'map';
  if (node.scalar !== undefined) return 'scalar';
  if (node.list !== undefined) return 'list';
  return undefined;
}

/** The schema of a map key: the declared field, else the element type, else deduced (lenient for undeclared keys). */
function mapChild(node: MergeNode, key: string): MergeNode {
  return node.map?.fields.get(key) ?? node.map?.element ?? DEDUCED;
}

/**
 * The path element of a list element: a key element for list maps (missing key fields take their
 * schema default), a value element for sets. Throws {@link SchemaMismatchError} as kube's
 * listItemToPathElement errors.
 */
export function listItemPathElement(list: ListShape, item: unknown): PathElement {
  if (list.relationship !== 'associative') {
    throw new SchemaMismatchError('invalid indexing of non-associative list');
  }
  if (list.keys.length > 0) {
    if (item === null) {
      throw new SchemaMismatchError('associative list with keys may not have a null element');
    }
    if (!isJSONObject(item)) {
      throw new SchemaMismatchError('associative list with keys may not have non-map elements');
    }
    const fields: [string, unknown][] = [];
    for (const key of list.keys) {
      if (hasOwn(item, key)) fields.push([key, item[key]]);
      else {
        const fallback = list.element.map?.fields.get(key)?.default;
        if (fallback !== undefined) fields.push([key, fallback]);
      }
    }
    if (fields.length === 0) {
      throw new SchemaMismatchError(
        `associative list with keys has an element that omits all key fields [${list.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`,
      );
    }
    return keyElement(fields);
  }
  if (isJSONObject(item)) {
    throw new SchemaMismatchError("associative list without keys has an element that's a map type");
  }
  if (Array.isArray(item)) {
    throw new SchemaMismatchError('not supported: associative list with lists as elements');
  }
  if (item === null) {
    throw new SchemaMismatchError(
      "associative list without keys has an element that's an explicit null",
    );
  }
  return valueElement(item);
}

function tryItemElement(list: ListShape, item: unknown): PathElement | undefined {
  try {
    return listItemPathElement(list, item);
  } catch {
    return undefined;
  }
}

/**
 * The set of a value (B3.3a), as an applied configuration is owned: scalars, atomic lists and
 * atomic maps are leaves; list elements are members; map keys are members when their value is
 * null or an empty map, or when they are not declared fields. Elements that cannot be identified
 * are skipped (validation of applied configurations is a separate step).
 */
export function fieldSetFromValue(value: unknown, node: MergeNode): FieldSet {
  const out = new FieldSetBuilder();
  const walk = (v: unknown, n: MergeNode, path: PathElement[]): void => {
    switch (shapeOf(n, v)) {
      case 'scalar':
        out.insert(path);
        return;
      case 'list': {
        const list = n.list!;
        if (list.relationship === 'atomic') {
          out.insert(path);
          return;
        }
        if (!Array.isArray(v)) return;
        const seen = new Set<string>();
        const duplicates = new Set<string>();
        const elements = v.map((item) => tryItemElement(list, item));
        for (const pe of elements) {
          if (pe === undefined) continue;
          const id = serializePathElement(pe);
          if (seen.has(id) && !duplicates.has(id)) {
            // a duplicated identity is owned as a leaf, as a whole (B5.9)
            out.insert([...path, pe]);
            duplicates.add(id);
          }
          seen.add(id);
        }
        v.forEach((item, i) => {
          const pe = elements[i];
          if (pe === undefined || duplicates.has(serializePathElement(pe))) return;
          const at = [...path, pe];
          walk(item, list.element, at);
          out.insert(at);
        });
        return;
      }
      case 'map': {
        const map = n.map!;
        if (map.relationship === 'atomic') {
          out.insert(path);
          return;
        }
        if (!isJSONObject(v)) return;
        for (const [key, child] of Object.entries(v)) {
          const at = [...path, fieldElement(key)];
          walk(child, mapChild(n, key), at);
          const emptyMap = isJSONObject(child) && Object.keys(child).length === 0;
          if (child === null || emptyMap || !map.fields.has(key)) out.insert(at);
        }
        return;
      }
      default:
        return;
    }
  };
  walk(value, node, []);
  return out.build();
}

/** What changed between two objects (B3.3b). */
export interface Comparison {
  /** Nodes only in the new object, every node of an added subtree included. */
  readonly added: FieldSet;
  /** Leaves whose value changed. */
  readonly modified: FieldSet;
  /** Nodes only in the old object. */
  readonly removed: FieldSet;
}

/**
 * Compares two objects under a schema (B3.3b, B5.9). Reordering a set or list map is not a
 * change; empty or null containers on both sides compare as leaves. Throws
 * {@link SchemaMismatchError} when list elements cannot be identified, as kube's comparison fails.
 */
export function compareObjects(
  oldObject: unknown,
  newObject: unknown,
  node: MergeNode,
): Comparison {
  return new Comparer().run(oldObject, newObject, node);
}

class Comparer {
  private readonly added = new FieldSetBuilder();
  private readonly modified = new FieldSetBuilder();
  private readonly removed = new FieldSetBuilder();
  private readonly errors: string[] = [];

  run(lhs: unknown, rhs: unknown, node: MergeNode): Comparison {
    this.compare(node, lhs, rhs, []);
    if (this.errors.length > 0) throw new SchemaMismatchError(this.errors.join('\n'));
    return {
      added: this.added.build(),
      modified: this.modified.build(),
      removed: this.removed.build(),
    };
  }

  /** `undefined` means absent (a present null is a value). */
  private compare(node: MergeNode, lhs: unknown, rhs: unknown, path: PathElement[]): void {
    const left = lhs === undefined ? undefined : shapeOf(node, lhs);
    const right = rhs === undefined ? undefined : shapeOf(node, rhs);
    let leaf: boolean;
    if (rhs === undefined) leaf = this.handle(left, node, lhs, rhs, path);
    else if (lhs === undefined || left === right) leaf = this.handle(right, node, lhs, rhs, path);
    else {
      // the value changed shape: both readings contribute
      this.handle(left, node, lhs, rhs, path);
      leaf = this.handle(right, node, lhs, rhs, path);
    }
    if (!leaf) {
      if (lhs === undefined) this.added.insert(path);
      else if (rhs === undefined) this.removed.insert(path);
    }
  }

  private leaf(lhs: unknown, rhs: unknown, path: PathElement[]): true {
    if (lhs === undefined) this.added.insert(path);
    else if (rhs === undefined) this.removed.insert(path);
    else if (!valuesEqual(lhs, rhs)) this.modified.insert(path);
    return true;
  }

  /** Returns true when the node was handled as a leaf. */
  private handle(
    shape: Shape | undefined,
    node: MergeNode,
    lhs: unknown,
    rhs: unknown,
    path: PathElement[],
  ): boolean {
    switch (shape) {
      case 'scalar':
        return this.leaf(lhs, rhs, path);
      case 'list': {
        const l = Array.isArray(lhs) ? lhs : undefined;
        const r = Array.isArray(rhs) ? rhs : undefined;
        const bothEmpty = (l?.length ?? 0) === 0 && (r?.length ?? 0) === 0;
        if (node.list!.relationship === 'atomic' || bothEmpty) return this.leaf(lhs, rhs, path);
        this.listItems(node.list!, l ?? [], r ?? [], path);
        return false;
      }
      case 'map': {
        const l = isJSONObject(lhs) ? lhs : undefined;
        const r = isJSONObject(rhs) ? rhs : undefined;
        const bothEmpty =
          (l === undefined || Object.keys(l).length === 0) &&
          (r === undefined || Object.keys(r).length === 0);
        if (node.map!.relationship === 'atomic' || bothEmpty) return this.leaf(lhs, rhs, path);
        for (const key of new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})])) {
          this.compare(
            mapChild(node, key),
            l !== undefined && hasOwn(l, key) ? l[key] : undefined,
            r !== undefined && hasOwn(r, key) ? r[key] : undefined,
            [...path, fieldElement(key)],
          );
        }
        return false;
      }
      default:
        return false;
    }
  }

  private group(
    list: ListShape,
    items: unknown[],
    order: { id: string; pe: PathElement }[],
    known: Map<string, unknown[]>,
    groups: Map<string, unknown[]>,
  ): void {
    items.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = listItemPathElement(list, item);
      } catch (err) {
        this.errors.push(`element ${i}: ${(err as Error).message}`);
        return;
      }
      const id = serializePathElement(pe);
      const found = groups.get(id);
      if (found !== undefined) found.push(item);
      else {
        groups.set(id, [item]);
        if (!known.has(id)) order.push({ id, pe });
      }
    });
  }

  private listItems(list: ListShape, lhs: unknown[], rhs: unknown[], path: PathElement[]): void {
    const order: { id: string; pe: PathElement }[] = [];
    const left = new Map<string, unknown[]>();
    const right = new Map<string, unknown[]>();
    this.group(list, lhs, order, new Map(), left);
    this.group(list, rhs, order, left, right);
    for (const { id, pe } of order) {
      const l = left.get(id) ?? [];
      const r = right.get(id) ?? [];
      const at = [...path, pe];
      if (l.length <= 1 && r.length <= 1) {
        this.compare(list.element, l[0], r[0], at);
      } else if (l.length >= 2 && r.length >= 2) {
        // duplicated identities are compared as a whole (B5.9)
        if (l.length !== r.length || !l.every((x, i) => valuesEqual(x, r[i]))) {
          this.modified.insert(at);
        }
      } else if (l.length >= 2) {
        if (r.length > 0) this.compare(list.element, undefined, r[0], at);
        this.removed.insert(at);
      } else {
        if (l.length > 0) this.compare(list.element, l[0], undefined, at);
        this.added.insert(at);
      }
    }
  }
}

/**
 * Reconciles a stored set with the current schema (B13.3): where a list or map became atomic,
 * an owner of anything below it now owns the node itself. Returns the set unchanged otherwise.
 */
export function reconcileFieldSetWithSchema(set: FieldSet, node: MergeNode): FieldSet {
  const collapse: Path[] = [];
  const walk = (
    n: MergeNode,
    here: FieldSet | undefined,
    path: PathElement[],
    atomic: boolean,
  ): void => {
    const visit = (childNode: (pe: PathElement) => MergeNode | undefined): void => {
      if (here === undefined) return;
      const handle = (pe: PathElement, isMember: boolean): void => {
        const next = childNode(pe);
        if (next === undefined) return;
        const below = here.withPrefix(pe);
        const hasChildren = !below.empty;
        walk(next, hasChildren ? below : undefined, [...path, pe], isMember && !hasChildren);
      };
      for (const c of here.children) if (!here.hasMember(c.element)) handle(c.element, false);
      for (const m of here.members) handle(m, true);
    };
    // as structured-merge-diff handleAtom without a value: map, else scalar, else list
    if (n.map !== undefined) {
      if (n.deduced) return;
      if (!atomic && n.map.relationship === 'atomic') {
        if (here !== undefined && !here.empty) collapse.push(path);
        return;
      }
      visit((pe) =>
        pe.kind === 'field' ? (n.map!.fields.get(pe.name) ?? n.map!.element) : n.map!.element,
      );
    } else if (n.scalar !== undefined) {
      return;
    } else if (n.list !== undefined) {
      if (!atomic && n.list.relationship === 'atomic') {
        collapse.push(path);
        return;
      }
      visit(() => n.list!.element);
    }
  };
  walk(node, set, [], false);
  if (collapse.length === 0) return set;
  const nodes = FieldSet.fromPaths(collapse);
  return set.recursiveDifference(nodes).union(nodes);
}
