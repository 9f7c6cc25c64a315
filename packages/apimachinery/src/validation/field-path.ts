/**
 * Field paths for validation errors, printed as k8s.io/apimachinery pkg/util/validation/field
 * `Path.String()` prints them: `metadata.labels[app]`, `spec.containers[0].name`.
 * @module
 */

/** An immutable path from an object's root to one field. */
export interface FieldPath {
  /** The path to a named field under this one; several names descend several levels. */
  child(name: string, ...more: string[]): FieldPath;
  /** The path to one item of this list, printed `[0]`. */
  index(index: number): FieldPath;
  /** The path to one entry of this map, printed `[key]` (unquoted, as kube prints it). */
  key(key: string): FieldPath;
  /** The printed path, e.g. `metadata.labels[app]`. */
  toString(): string;
}

/** A {@link FieldPath}, or its printed form. */
export type FieldPathLike = FieldPath | string;

// as kube: a named element gets a leading dot unless it is the root; an unnamed one prints as a subscript
function element(name: string, hasParent: boolean): string {
  if (name === '') return '[]';
  return hasParent ? `.${name}` : name;
}

function pathFrom(text: string): FieldPath {
  return {
    child: (name, ...more) =>
      pathFrom([name, ...more].reduce((t, n) => t + element(n, true), text)),
    index: (index) => pathFrom(`${text}[${index}]`),
    key: (key) => pathFrom(`${text}[${key}]`),
    toString: () => text,
  };
}

/** A root path, e.g. `fieldPath('metadata')` or `fieldPath('spec', 'template')`. */
export function fieldPath(name: string, ...more: string[]): FieldPath {
  return pathFrom(more.reduce((t, n) => t + element(n, true), element(name, false)));
}

/** A {@link FieldPath} for a path given either way; a string is taken as already printed. */
export function toFieldPath(path: FieldPathLike): FieldPath {
  return typeof path === 'string' ? pathFrom(path) : path;
}
