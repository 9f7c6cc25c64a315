/**
 * Sets of field paths (PATCH-APPLY.md B3, B18): a trie whose nodes list their member elements and
 * their child sets, both sorted by path-element order, with the set algebra of
 * sigs.k8s.io/structured-merge-diff fieldpath.Set. Sets are immutable; build them with
 * {@link FieldSetBuilder} or {@link FieldSet.fromPaths}.
 * @module
 */
import type { MergeNode } from '../patch/merge-schema.js';
import { comparePathElements, pathString, type Path, type PathElement } from './path-element.js';

/** A child of a set node: the element and the set below it. */
export interface FieldSetChild {
  readonly element: PathElement;
  readonly set: FieldSet;
}

function search<T>(items: readonly T[], pe: PathElement, get: (t: T) => PathElement): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePathElements(get(items[mid]!), pe);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -(lo + 1);
}

const self = (pe: PathElement) => pe;
const childElement = (c: FieldSetChild) => c.element;

/** An immutable set of paths. */
export class FieldSet {
  /** The empty set. */
  static readonly EMPTY: FieldSet = new FieldSet([], []);

  private constructor(
    /** The elements that are members at this node, sorted. */
    readonly members: readonly PathElement[],
    /** The non-empty child sets, sorted by element. */
    readonly children: readonly FieldSetChild[],
  ) {}

  /** @internal Builds a node from sorted parts; empty children must already be left out. */
  static of(members: readonly PathElement[], children: readonly FieldSetChild[]): FieldSet {
    return members.length === 0 && children.length === 0
      ? FieldSet.EMPTY
      : new FieldSet(members, children);
  }

  /** The set of the given paths (the empty path, the root, is never a member). */
  static fromPaths(paths: Iterable<Path>): FieldSet {
    const builder = new FieldSetBuilder();
    for (const p of paths) builder.insert(p);
    return builder.build();
  }

  /** True when the set has no paths. */
  get empty(): boolean {
    return this.members.length === 0 && this.children.length === 0;
  }

  /** The number of paths. */
  get size(): number {
    return this.children.reduce((n, c) => n + c.set.size, this.members.length);
  }

  /** True when `element` is a member at this node. */
  hasMember(element: PathElement): boolean {
    return search(this.members, element, self) >= 0;
  }

  /** The set below `element` (empty when there is none). */
  withPrefix(element: PathElement): FieldSet {
    const i = search(this.children, element, childElement);
    return i >= 0 ? this.children[i]!.set : FieldSet.EMPTY;
  }

  /** True when the path is a member. */
  has(path: Path): boolean {
    if (path.length === 0) return false;
    const parent = path.slice(0, -1).reduce<FieldSet>((node, pe) => node.withPrefix(pe), this);
    return parent.hasMember(path[path.length - 1]!);
  }

  /** Every path, members of a node before the paths below its children, each in element order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (node: FieldSet, prefix: PathElement[]): void => {
      for (const m of node.members) out.push([...prefix, m]);
      for (const c of node.children) walk(c.set, [...prefix, c.element]);
    };
    walk(this, []);
    return out;
  }

  /** The paths in human form, one per line (for messages and test failures). */
  toString(): string {
    return this.paths().map(pathString).join('\n');
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    if (other.empty) return this;
    if (this.empty) return other;
    return FieldSet.of(
      mergeSorted(this.members, other.members, self, (a) => a, 'union'),
      mergeChildren(this.children, other.children, (a, b) => a.union(b), 'union'),
    );
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    if (this.empty || other.empty) return FieldSet.EMPTY;
    return FieldSet.of(
      mergeSorted(this.members, other.members, self, (a) => a, 'intersection'),
      mergeChildren(this.children, other.children, (a, b) => a.intersection(b), 'intersection'),
    );
  }

  /** Paths of this set that are not in `other`. Removing a path does not remove the paths below it. */
  difference(other: FieldSet): FieldSet {
    if (this.empty || other.empty) return this;
    return FieldSet.of(
      mergeSorted(this.members, other.members, self, (a) => a, 'difference'),
      mergeChildren(this.children, other.children, (a, b) => a.difference(b), 'difference'),
    );
  }

  /** Paths of this set that are neither in `other` nor below a member of `other` (reset-field filters). */
  recursiveDifference(other: FieldSet): FieldSet {
    if (this.empty || other.empty) return this;
    const members = mergeSorted(this.members, other.members, self, (a) => a, 'difference');
    const children: FieldSetChild[] = [];
    for (const c of this.children) {
      if (other.hasMember(c.element)) continue;
      const set = c.set.recursiveDifference(other.withPrefix(c.element));
      if (!set.empty) children.push({ element: c.element, set });
    }
    return FieldSet.of(members, children);
  }

  /** Structural equality. */
  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.members.length !== other.members.length) return false;
    if (this.children.length !== other.children.length) return false;
    for (let i = 0; i < this.members.length; i++) {
      if (comparePathElements(this.members[i]!, other.members[i]!) !== 0) return false;
    }
    for (let i = 0; i < this.children.length; i++) {
      const a = this.children[i]!;
      const b = other.children[i]!;
      if (comparePathElements(a.element, b.element) !== 0 || !a.set.equals(b.set)) return false;
    }
    return true;
  }

  /** The members that have nothing below them. */
  leaves(): FieldSet {
    const members = this.members.filter((m) => search(this.children, m, childElement) < 0);
    const children: FieldSetChild[] = [];
    for (const c of this.children) {
      const set = c.set.leaves();
      if (!set.empty) children.push({ element: c.element, set });
    }
    return FieldSet.of(members, children);
  }

  /**
   * The set where every declared struct field that has paths below it is itself a member
   * (B5.5 "named fields are members"), walking the schema.
   */
  ensureNamedFieldsAreMembers(node: MergeNode): FieldSet {
    const members = [...this.members];
    const children: FieldSetChild[] = [];
    for (const c of this.children) {
      let childNode: MergeNode | undefined;
      if (c.element.kind === 'field' && node.map !== undefined) {
        const declared = node.map.fields.get(c.element.name);
        if (declared !== undefined && search(members, c.element, self) < 0) {
          members.splice(-search(members, c.element, self) - 1, 0, c.element);
        }
        childNode = declared ?? node.map.element;
      } else if (c.element.kind === 'key' && node.list !== undefined) {
        childNode = node.list.element;
      }
      const set = childNode === undefined ? c.set : c.set.ensureNamedFieldsAreMembers(childNode);
      children.push({ element: c.element, set });
    }
    return FieldSet.of(members, children);
  }
}

type MergeMode = 'union' | 'intersection' | 'difference';

function mergeSorted<T>(
  a: readonly T[],
  b: readonly T[],
  get: (t: T) => PathElement,
  keep: (t: T) => T,
  mode: MergeMode,
): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(get(a[i]!), get(b[j]!));
    if (c < 0) {
      if (mode !== 'intersection') out.push(keep(a[i]!));
      i++;
    } else if (c > 0) {
      if (mode === 'union') out.push(keep(b[j]!));
      j++;
    } else {
      if (mode !== 'difference') out.push(keep(a[i]!));
      i++;
      j++;
    }
  }
  if (mode !== 'intersection') while (i < a.length) out.push(keep(a[i++]!));
  if (mode === 'union') while (j < b.length) out.push(keep(b[j++]!));
  return out;
}

function mergeChildren(
  a: readonly FieldSetChild[],
  b: readonly FieldSetChild[],
  both: (x: FieldSet, y: FieldSet) => FieldSet,
  mode: MergeMode,
): FieldSetChild[] {
  const out: FieldSetChild[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(a[i]!.element, b[j]!.element);
    if (c < 0) {
      if (mode !== 'intersection') out.push(a[i]!);
      i++;
    } else if (c > 0) {
      if (mode === 'union') out.push(b[j]!);
      j++;
    } else {
      const set = both(a[i]!.set, b[j]!.set);
      if (!set.empty) out.push({ element: a[i]!.element, set });
      i++;
      j++;
    }
  }
  if (mode !== 'intersection') while (i < a.length) out.push(a[i++]!);
  if (mode === 'union') while (j < b.length) out.push(b[j++]!);
  return out;
}

interface BuilderNode {
  members: PathElement[];
  children: { element: PathElement; node: BuilderNode }[];
}

/** A mutable trie for building a {@link FieldSet} path by path. */
export class FieldSetBuilder {
  private readonly root: BuilderNode = { members: [], children: [] };

  /** Adds a path (the empty path is ignored: the root is never a member). */
  insert(path: Path): this {
    if (path.length === 0) return this;
    let node = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i]!;
      const at = search(node.children, pe, (c) => c.element);
      if (at >= 0) node = node.children[at]!.node;
      else {
        const child: BuilderNode = { members: [], children: [] };
        node.children.splice(-at - 1, 0, { element: pe, node: child });
        node = child;
      }
    }
    const last = path[path.length - 1]!;
    const at = search(node.members, last, self);
    if (at < 0) node.members.splice(-at - 1, 0, last);
    return this;
  }

  /** The set of the paths inserted so far. */
  build(): FieldSet {
    const freeze = (node: BuilderNode): FieldSet => {
      const children: FieldSetChild[] = [];
      for (const c of node.children) {
        const set = freeze(c.node);
        if (!set.empty) children.push({ element: c.element, set });
      }
      return FieldSet.of(node.members, children);
    };
    return freeze(this.root);
  }
}
