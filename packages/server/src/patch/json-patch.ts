/**
 * JSON patch (RFC 6902, `application/json-patch+json`) with the semantics of the library kube uses
 * (gopkg.in/evanphx/json-patch.v4): negative array indexes count from the end, `replace` of a
 * missing object key adds it, `test` treats a missing key and `null` alike. Paths are resolved
 * here with those rules; the edits themselves are made by fast-json-patch on the resolved paths.
 * @module
 */
import jsonpatch, { type Operation } from 'fast-json-patch';

// the CommonJS build: its named exports are only reachable through the default export under Node
const { _areEquals, applyOperation, escapePathComponent } = jsonpatch;

/** A JSON patch that cannot be applied; kube answers it with a generic 422 and keeps the reason for its logs. */
export class JSONPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JSONPatchError';
  }
}

type Container = Record<string, unknown> | unknown[];

interface Resolved {
  container: Container;
  /** Segments of the container's own path, canonical (decoded keys, non-negative indexes). */
  parent: string[];
  key: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

// as RFC 6901: ~1 then ~0, in a single left-to-right pass
function decodeToken(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** Go's strconv.Atoi for an array index. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function pointer(segments: string[]): string {
  return segments.map((s) => `/${escapePathComponent(s)}`).join('');
}

/** The element index `key` names in an array of `length`, negatives from the end; undefined when out of range. */
function arrayIndex(key: string, length: number): number | undefined {
  const idx = atoi(key);
  if (idx === undefined) return undefined;
  if (idx < 0) return idx < -length ? undefined : idx + length;
  return idx >= length ? undefined : idx;
}

function child(container: Container, key: string): { value: unknown; segment: string } | undefined {
  if (Array.isArray(container)) {
    const i = arrayIndex(key, container.length);
    return i === undefined ? undefined : { value: container[i], segment: String(i) };
  }
  return hasOwn(container, key) ? { value: container[key], segment: key } : undefined;
}

/** The container a path points into and the last token (evanphx findObject): every step must be an object or list. */
function resolve(doc: Container, path: string): Resolved | undefined {
  const tokens = path.split('/');
  if (tokens.length < 2) return undefined;
  let container = doc;
  const parent: string[] = [];
  for (const token of tokens.slice(1, -1)) {
    const next = child(container, decodeToken(token));
    if (next === undefined || typeof next.value !== 'object' || next.value === null) {
      return undefined;
    }
    container = next.value as Container;
    parent.push(next.segment);
  }
  return { container, parent, key: decodeToken(tokens[tokens.length - 1]!) };
}

function stringField(op: Record<string, unknown>, name: string): string | undefined {
  const v = op[name];
  return typeof v === 'string' ? v : undefined;
}

/** The value of an op: `undefined` when absent; a present `null` is a value. */
function opValue(op: Record<string, unknown>): { present: boolean; value: unknown } {
  return hasOwn(op, 'value')
    ? { present: true, value: op['value'] }
    : { present: false, value: null };
}

class Applier {
  constructor(public doc: Container) {}

  private edit(operation: Operation): void {
    // the edit itself: fast-json-patch on a canonical path, without its own validation
    applyOperation(this.doc, operation, false, true, true);
  }

  add(path: string, value: unknown): void {
    const at = resolve(this.doc, path);
    if (at === undefined)
      throw new JSONPatchError(`add operation does not apply: doc is missing path: "${path}"`);
    const { container, parent, key } = at;
    if (Array.isArray(container)) {
      let index: number;
      if (key === '-') index = container.length;
      else {
        const idx = atoi(key);
        const size = container.length + 1;
        if (idx === undefined || idx >= size || idx < -size) {
          throw new JSONPatchError(`error in add for path: '${path}': invalid index ${key}`);
        }
        index = idx < 0 ? idx + size : idx;
      }
      this.edit({ op: 'add', path: pointer([...parent, String(index)]), value });
      return;
    }
    this.edit({ op: 'add', path: pointer([...parent, key]), value });
  }

  remove(path: string): void {
    const at = resolve(this.doc, path);
    if (at === undefined)
      throw new JSONPatchError(`remove operation does not apply: doc is missing path: "${path}"`);
    const found = child(at.container, at.key);
    if (found === undefined) throw new JSONPatchError(`error in remove for path: '${path}'`);
    this.edit({ op: 'remove', path: pointer([...at.parent, found.segment]) });
  }

  replace(path: string, value: unknown): void {
    if (path === '') {
      if (typeof value !== 'object' || value === null) {
        throw new JSONPatchError('replace operation value must be object or array');
      }
      this.doc = structuredClone(value) as Container;
      return;
    }
    const at = resolve(this.doc, path);
    if (at === undefined)
      throw new JSONPatchError(`replace operation does not apply: doc is missing path: ${path}`);
    let segment = at.key;
    if (Array.isArray(at.container)) {
      const found = child(at.container, at.key);
      if (found === undefined)
        throw new JSONPatchError(`replace operation does not apply: doc is missing key: ${path}`);
      segment = found.segment;
    }
    // a missing object key is simply set, as evanphx v4 does
    this.edit({ op: 'replace', path: pointer([...at.parent, segment]), value });
  }

  /** Reads the value at `from` as evanphx does: a missing object key reads as null, a bad index fails. */
  private read(from: string, op: string): { value: unknown } {
    const at = resolve(this.doc, from);
    if (at === undefined)
      throw new JSONPatchError(`${op} operation does not apply: doc is missing from path: ${from}`);
    const found = child(at.container, at.key);
    if (found === undefined && Array.isArray(at.container)) {
      throw new JSONPatchError(`error in ${op} for from: '${from}'`);
    }
    return { value: found === undefined ? null : found.value };
  }

  move(from: string, path: string): void {
    const { value } = this.read(from, 'move');
    this.remove(from);
    // the destination is resolved after the removal, as evanphx does
    this.add(path, value);
  }

  copy(from: string, path: string): void {
    const { value } = this.read(from, 'copy');
    this.add(path, structuredClone(value));
  }

  test(path: string, expected: { present: boolean; value: unknown }): void {
    let actual: unknown;
    if (path === '') actual = this.doc;
    else {
      const at = resolve(this.doc, path);
      if (at === undefined)
        throw new JSONPatchError(`test operation does not apply: is missing path: ${path}`);
      const found = child(at.container, at.key);
      if (found === undefined && Array.isArray(at.container)) {
        throw new JSONPatchError(`error in test for path: '${path}'`);
      }
      actual = found?.value ?? null;
      // a missing key or a null passes only against an absent or null value
      if (actual === null) {
        if (expected.value === null) return;
        throw new JSONPatchError(`testing value ${path} failed: test failed`);
      }
    }
    if (!expected.present || !_areEquals(actual, expected.value)) {
      throw new JSONPatchError(`testing value ${path} failed: test failed`);
    }
  }
}

/**
 * Applies decoded JSON patch operations to a copy of `doc` and returns it. Throws
 * {@link JSONPatchError} when an operation does not apply. The input is not modified.
 */
export function applyJSONPatch(doc: unknown, operations: readonly unknown[]): unknown {
  const applier = new Applier(structuredClone(doc) as Container);
  for (const raw of operations) {
    const op = isObject(raw) ? raw : {};
    const kind = stringField(op, 'op') ?? 'unknown';
    const path = stringField(op, 'path');
    const from = stringField(op, 'from');
    const value = opValue(op);
    try {
      switch (kind) {
        case 'add':
          if (path === undefined) throw new JSONPatchError('add operation failed to decode path');
          applier.add(path, structuredClone(value.value));
          break;
        case 'remove':
          if (path === undefined)
            throw new JSONPatchError('remove operation failed to decode path');
          applier.remove(path);
          break;
        case 'replace':
          if (path === undefined)
            throw new JSONPatchError('replace operation failed to decode path');
          applier.replace(path, structuredClone(value.value));
          break;
        case 'move':
          if (from === undefined) throw new JSONPatchError('move operation failed to decode from');
          if (path === undefined) throw new JSONPatchError('move operation failed to decode path');
          applier.move(from, path);
          break;
        case 'copy':
          if (from === undefined) throw new JSONPatchError('copy operation failed to decode from');
          if (path === undefined) throw new JSONPatchError('copy operation failed to decode path');
          applier.copy(from, path);
          break;
        case 'test':
          if (path === undefined) throw new JSONPatchError('test operation failed to decode path');
          applier.test(path, value);
          break;
        default:
          throw new JSONPatchError(`Unexpected kind: ${kind}`);
      }
    } catch (err) {
      // fast-json-patch refuses __proto__ and constructor/prototype keys
      if (err instanceof JSONPatchError) throw err;
      throw new JSONPatchError(err instanceof Error ? err.message : String(err));
    }
  }
  return applier.doc;
}
