/**
 * managedFields for Update operations, i.e. POST, PUT and every non-apply PATCH (PATCH-APPLY.md
 * B5.1, B5.3, B5.6, B8, B9, B10): the wrapper chain of k8s.io/apimachinery
 * pkg/util/managedfields (skip-non-applied, cap, manager identity, managed-fields updater, strip,
 * structured merge) over the set machinery of this folder, which the apply path builds on too.
 * @module
 */
import { deepCopyJson } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import type { MergeSchema } from '../patch/merge-schema.js';
import { compareCodePoints } from '../patch/go-format.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentity,
  timeSeconds,
  type Managed,
  type ManagedSet,
} from './entries.js';
import { FieldSet } from './field-set.js';
import { fieldElement } from './path-element.js';
import { compareObjects, reconcileFieldSetWithSchema, type Comparison } from './typed.js';

/** The synthetic manager that claims what an untracked object holds on its first apply (B9). */
export const BEFORE_FIRST_APPLY = 'before-first-apply';
/** The bucket the oldest update entries are merged into (B8). */
export const ANCIENT_CHANGES = 'ancient-changes';
/** The most Update entries an object keeps (B8). */
export const MAX_UPDATE_MANAGERS = 10;

/** The paths never tracked (B5.6); removed from the acting entry, not recursively. */
export const STRIP_SET: FieldSet = FieldSet.fromPaths([
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((name) => [fieldElement('metadata'), fieldElement(name)]),
]);

/**
 * Kapi's default reset fields of an endpoint (B11), the paths its strategy overwrites from live:
 * `status` on the main resource of a kind with a status subresource; `metadata` and `spec` on
 * `/status`. Types may declare their own.
 */
export function defaultResetFields(subresource: string, hasStatus: boolean): FieldSet {
  if (subresource === 'status') {
    return FieldSet.fromPaths([[fieldElement('metadata')], [fieldElement('spec')]]);
  }
  if (subresource === '' && hasStatus) return FieldSet.fromPaths([[fieldElement('status')]]);
  return FieldSet.EMPTY;
}

/** How entries recorded at another served version are compared (B13.2). */
export interface VersionView {
  /** The merge schema of that version. */
  schema: MergeSchema;
  /** Converts an object of the request's version to that version. */
  convert(object: KubeObject): KubeObject;
  /** The endpoint's reset fields in that version. */
  resetFields?: FieldSet;
}

/**
 * Resolves another version for entries recorded at it; undefined when it is no longer served,
 * which drops its entries (B13.2).
 */
export type VersionResolver = (apiVersion: string) => VersionView | undefined;

/** What one Update is recorded with. */
export interface RecordUpdateInput {
  /** The entries before the write. Not modified. */
  managed: Managed;
  /** The object before the write; for a create, the empty object `{apiVersion, kind}`. */
  oldObject: KubeObject;
  /** The object written, without managedFields. */
  newObject: KubeObject;
  /** The manager name (`''` is recorded as `unknown`). */
  manager: string;
  /** The group/version of the request. */
  apiVersion: string;
  /** The subresource written through, `''` for the main resource. */
  subresource: string;
  /** The time of the write, RFC 3339. */
  now: string;
  /** The merge schema of the request's version. */
  mergeSchema: MergeSchema;
  /** The endpoint's reset fields in the request's version (B11). */
  resetFields?: FieldSet;
  /** Other served versions (default: none, so entries at other versions are dropped). */
  otherVersion?: VersionResolver;
  /** The Update-entry cap (default 10). */
  maxUpdateManagers?: number;
}

function filtered(cmp: Comparison, reset: FieldSet | undefined): Comparison {
  if (reset === undefined || reset.empty) return cmp;
  return {
    added: cmp.added.recursiveDifference(reset),
    modified: cmp.modified.recursiveDifference(reset),
    removed: cmp.removed.recursiveDifference(reset),
  };
}

/**
 * Records an Update in a set of entries (B5.3): every other owner loses what the write added,
 * changed or removed; the acting identity gains what it added or changed, loses what it removed,
 * and its time is set when it gained anything; then the Update entries are capped (B8).
 * Returns new entries. Throws {@link SchemaMismatchError} when an object does not fit its schema.
 */
export function recordUpdate(input: RecordUpdateInput): Managed {
  const { apiVersion, mergeSchema } = input;
  const versions = new Map<string, VersionView | undefined>();
  const viewOf = (version: string): VersionView | undefined => {
    if (version === apiVersion) {
      return {
        schema: mergeSchema,
        convert: (o) => o,
        ...(input.resetFields !== undefined ? { resetFields: input.resetFields } : {}),
      };
    }
    if (!versions.has(version)) versions.set(version, input.otherVersion?.(version));
    return versions.get(version);
  };

  // B13.3: each set first follows schema changes of its own version
  const managed: Managed = new Map();
  for (const [id, entry] of input.managed) {
    const view = viewOf(entry.apiVersion);
    managed.set(
      id,
      view === undefined
        ? entry
        : { ...entry, set: reconcileFieldSetWithSchema(entry.set, view.schema.root) },
    );
  }

  const comparisons = new Map<string, Comparison>();
  const compareIn = (version: string, view: VersionView): Comparison => {
    let cmp = comparisons.get(version);
    if (cmp === undefined) {
      const oldObject = version === apiVersion ? input.oldObject : view.convert(input.oldObject);
      const newObject = version === apiVersion ? input.newObject : view.convert(input.newObject);
      cmp = filtered(compareObjects(oldObject, newObject, view.schema.root), view.resetFields);
      comparisons.set(version, cmp);
    }
    return cmp;
  };
  const current = compareIn(apiVersion, viewOf(apiVersion)!);

  // updates always force: other owners silently lose what was written, and what was removed
  for (const [id, entry] of managed) {
    const view = viewOf(entry.apiVersion);
    if (view === undefined) {
      managed.delete(id); // a version no longer served (B13.2)
      continue;
    }
    const cmp = compareIn(entry.apiVersion, view);
    const taken = entry.set.intersection(cmp.modified.union(cmp.added));
    const set = entry.set.difference(taken).difference(cmp.removed);
    if (set.empty) managed.delete(id);
    else if (set !== entry.set) managed.set(id, { ...entry, set });
  }

  const manager = input.manager === '' ? 'unknown' : input.manager;
  const own = current.modified
    .union(current.added)
    .recursiveDifference(input.resetFields ?? FieldSet.EMPTY)
    .difference(STRIP_SET);
  if (!own.empty) {
    const identity = {
      manager,
      operation: 'Update' as const,
      apiVersion,
      subresource: input.subresource,
    };
    const id = managerIdentity(identity);
    const previous = managed.get(id);
    managed.set(id, {
      ...identity,
      time: input.now,
      set: previous === undefined ? own : own.union(previous.set),
    });
  }
  return capUpdateManagers(managed, input.maxUpdateManagers ?? MAX_UPDATE_MANAGERS);
}

/**
 * Merges the oldest Update entries into `ancient-changes` buckets, one per apiVersion, until at
 * most `max` Update entries remain (B8, as kube's capManagersManager). Returns new entries.
 */
export function capUpdateManagers(input: Managed, max: number): Managed {
  const managed: Managed = new Map(input);
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= max) return managed;
  updaters.sort(
    ([idA, a], [idB, b]) =>
      timeSeconds(a.time) - timeSeconds(b.time) || compareCodePoints(idA, idB),
  );
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, entry] of updaters) {
    if (count <= max) break;
    const version = entry.apiVersion;
    const bucket: Omit<ManagedSet, 'set' | 'time'> = {
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: version,
      subresource: '',
    };
    const bucketId = managerIdentity(bucket);
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, id);
      continue;
    }
    if (!managed.has(bucketId)) {
      // the first entry of the version becomes the bucket
      const moved = managed.get(first)!;
      managed.delete(first);
      managed.set(bucketId, { ...bucket, time: moved.time, set: moved.set });
    }
    const current = managed.get(id) ?? entry;
    const merged = current.set.union(managed.get(bucketId)!.set);
    // in this order, as kube: should the bucket itself come up second, it is dropped
    managed.set(bucketId, { ...bucket, time: entry.time, set: merged });
    managed.delete(id);
    count--;
  }
  return managed;
}

/** Tries to decode a managedFields list; undefined when it does not decode. */
function tryDecode(list: unknown): Managed | undefined {
  try {
    return decodeManagedFields(list);
  } catch {
    return undefined;
  }
}

/** What {@link updateManagedFields} needs to know about one POST, PUT or non-apply PATCH. */
export interface UpdateManagedFieldsInput {
  /** The stored object; undefined for a create. */
  live: KubeObject | undefined;
  /**
   * The object about to be stored (decoded and defaulted), with `metadata.managedFields` as the
   * client sent it or as the patch left it.
   */
  updated: KubeObject;
  /** The manager: {@link fieldManagerOrUserAgent} of the request. */
  manager: string;
  /** The group/version of the request (for a subresource, the main resource's). */
  apiVersion: string;
  /** The subresource written through (`status`, `scale`); default `''`. */
  subresource?: string;
  /** The time of the write (RFC 3339 or a Date); stored with seconds precision. */
  now: string | Date;
  /** The merge schema of the request's version. */
  mergeSchema: MergeSchema;
  /** The endpoint's reset fields (B11), e.g. {@link defaultResetFields}. */
  resetFields?: FieldSet;
  /** Other served versions (B13.2); by default entries at other versions are dropped. */
  otherVersion?: VersionResolver;
}

/**
 * Computes `metadata.managedFields` of an Update and returns the object to store with them (a
 * copy; the inputs are not modified).
 *
 * The starting entries follow B10: a subresource write uses live's; `[]` or `[{}]` in the
 * written object resets them; any other list that decodes replaces live's; one that does not
 * decode is ignored. An existing object without entries stays untracked (B9); a create starts
 * tracking. If the computation fails, live's managedFields are kept and the write goes on (B10.4).
 */
export function updateManagedFields(input: UpdateManagedFieldsInput): KubeObject {
  const subresource = input.subresource ?? '';
  const sent = input.updated.metadata?.managedFields;
  const liveList = input.live?.metadata?.managedFields;
  const metadata = { ...(input.updated.metadata ?? {}) };
  delete metadata.managedFields;
  const result: KubeObject = { ...input.updated, metadata };

  const liveManaged = tryDecode(liveList) ?? new Map<string, ManagedSet>();
  let managed: Managed;
  if (subresource !== '') managed = liveManaged;
  else if (isResetManagedFields(sent)) managed = new Map();
  else {
    const decoded = tryDecode(sent);
    managed = decoded !== undefined && decoded.size > 0 ? decoded : liveManaged;
  }
  // an existing object without entries stays untracked until its first apply (B9)
  if (managed.size === 0 && input.live !== undefined) return result;

  try {
    managed = recordUpdate({
      managed,
      oldObject: input.live ?? emptyObject(input.updated),
      newObject: result,
      manager: input.manager,
      apiVersion: input.apiVersion,
      subresource,
      now: formatTime(input.now),
      mergeSchema: input.mergeSchema,
      ...(input.resetFields !== undefined ? { resetFields: input.resetFields } : {}),
      ...(input.otherVersion !== undefined ? { otherVersion: input.otherVersion } : {}),
    });
  } catch {
    // B10.4: the write succeeds with live's managedFields
    if (liveList !== undefined) metadata.managedFields = deepCopyJson(liveList);
    return result;
  }
  const encoded = encodeManagedFields(managed);
  if (encoded !== undefined) metadata.managedFields = encoded;
  return result;
}

/** The empty object of a kind, what a create is compared with (B5.3): `{apiVersion, kind}`. */
export function emptyObject(like: KubeObject): KubeObject {
  const out: KubeObject = {};
  if (like.apiVersion !== undefined) out.apiVersion = like.apiVersion;
  if (like.kind !== undefined) out.kind = like.kind;
  return out;
}

/**
 * The `before-first-apply` entries of an object that has none (B9): an Update from the empty
 * object to live that claims every field live holds, which the apply then runs against.
 */
export function beforeFirstApply(input: {
  live: KubeObject;
  apiVersion: string;
  subresource?: string;
  now: string | Date;
  mergeSchema: MergeSchema;
  resetFields?: FieldSet;
}): Managed {
  const metadata = { ...(input.live.metadata ?? {}) };
  delete metadata.managedFields;
  return recordUpdate({
    managed: new Map(),
    oldObject: emptyObject(input.live),
    newObject: { ...input.live, metadata },
    manager: BEFORE_FIRST_APPLY,
    apiVersion: input.apiVersion,
    subresource: input.subresource ?? '',
    now: formatTime(input.now),
    mergeSchema: input.mergeSchema,
    ...(input.resetFields !== undefined ? { resetFields: input.resetFields } : {}),
  });
}
