/**
 * `metadata.managedFields` entries (PATCH-APPLY.md B4, B10.3): decoding into sets keyed by
 * manager identity, and encoding back in kube's shape and order (as k8s.io/apimachinery
 * pkg/util/managedfields/internal/managedfields.go).
 * @module
 */
import type { ManagedFieldsEntry } from '@kapi/apimachinery';
import { compareCodePoints } from '../patch/go-format.js';
import { isJSONObject } from '../patch/json-util.js';
import { FieldSet } from './field-set.js';
import { fieldsV1ToSet, setToFieldsV1 } from './fieldsv1.js';
import { keyValueJSON } from './path-element.js';

/** The two operations an entry records. */
export type ManagedOperation = 'Apply' | 'Update';

/** One decoded entry: who owns which paths, in which version. */
export interface ManagedSet {
  readonly manager: string;
  readonly operation: ManagedOperation;
  /** The version the paths are expressed in. */
  readonly apiVersion: string;
  /** `''` for the main resource. */
  readonly subresource: string;
  /** RFC 3339, seconds precision, UTC; undefined when the entry has no time. */
  readonly time: string | undefined;
  readonly set: FieldSet;
}

/** Decoded managedFields: entries by identity key ({@link managerIdentity}). */
export type Managed = Map<string, ManagedSet>;

/** An entry list that cannot be decoded (B10.3); the message is kube's where kube has one. */
export class ManagedFieldsDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManagedFieldsDecodeError';
  }
}

/**
 * The identity key of an entry (B4.2): compact JSON of manager, operation, apiVersion (Update
 * only) and subresource (when set), as kube's BuildManagerIdentifier renders it. Keys order
 * entries in conflict messages and break ties in the update-manager cap.
 */
export function managerIdentity(entry: {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  subresource: string;
}): string {
  let out = '{';
  const add = (name: string, value: string): void => {
    if (value === '') return;
    out += `${out === '{' ? '' : ','}"${name}":${keyValueJSON(value)}`;
  };
  add('manager', entry.manager);
  add('operation', entry.operation);
  if (entry.operation !== 'Apply') add('apiVersion', entry.apiVersion);
  add('subresource', entry.subresource);
  return `${out}}`;
}

/** A time as metav1.Time writes it: RFC 3339 in UTC, whole seconds. Throws on an unparseable time. */
export function formatTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new ManagedFieldsDecodeError(`invalid time ${JSON.stringify(time)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The whole seconds of an entry time (an absent time counts as 0). */
export function timeSeconds(time: string | undefined): number {
  return time === undefined ? 0 : Math.floor(new Date(time).getTime() / 1000);
}

function optionalString(entry: Record<string, unknown>, name: string, index: number): string {
  const v = entry[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    throw new ManagedFieldsDecodeError(`managed fields entry ${index}: ${name} must be a string`);
  }
  return v;
}

/**
 * Decodes a managedFields list (B10.3). A later entry with the same identity replaces an earlier
 * one. Throws {@link ManagedFieldsDecodeError}; absent or null decodes to no entries.
 */
export function decodeManagedFields(list: unknown): Managed {
  const managed: Managed = new Map();
  if (list === undefined || list === null) return managed;
  if (!Array.isArray(list)) throw new ManagedFieldsDecodeError('managedFields must be a list');
  list.forEach((raw, i) => {
    if (!isJSONObject(raw))
      throw new ManagedFieldsDecodeError(`managed fields entry ${i} is not an object`);
    const operation = optionalString(raw, 'operation', i);
    if (operation !== 'Apply' && operation !== 'Update') {
      throw new ManagedFieldsDecodeError('operation must be `Apply` or `Update`');
    }
    const apiVersion = optionalString(raw, 'apiVersion', i);
    if (apiVersion === '') throw new ManagedFieldsDecodeError('apiVersion must not be empty');
    const fieldsType = optionalString(raw, 'fieldsType', i);
    if (fieldsType === '') {
      throw new ManagedFieldsDecodeError(`missing fieldsType in managed fields entry ${i}`);
    }
    if (fieldsType !== 'FieldsV1') {
      throw new ManagedFieldsDecodeError(
        `invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`,
      );
    }
    const rawTime = raw['time'];
    if (rawTime !== undefined && rawTime !== null && typeof rawTime !== 'string') {
      throw new ManagedFieldsDecodeError(`managed fields entry ${i}: time must be a string`);
    }
    let set: FieldSet;
    try {
      set = fieldsV1ToSet(raw['fieldsV1']);
    } catch (err) {
      throw new ManagedFieldsDecodeError(
        `error decoding versioned set of managed fields entry ${i}: error decoding set: ${(err as Error).message}`,
      );
    }
    const entry: ManagedSet = {
      manager: optionalString(raw, 'manager', i),
      operation,
      apiVersion,
      subresource: optionalString(raw, 'subresource', i),
      time: typeof rawTime === 'string' ? formatTime(rawTime) : undefined,
      set,
    };
    managed.set(managerIdentity(entry), entry);
  });
  return managed;
}

const ENTRY_FIELDS = [
  'manager',
  'operation',
  'apiVersion',
  'time',
  'fieldsType',
  'fieldsV1',
  'subresource',
] as const;

/**
 * True for a managedFields value that resets tracking (B10.2): an empty list, or a list of exactly
 * one entry whose fields are all empty (`[{}]`).
 */
export function isResetManagedFields(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  if (list.length === 0) return true;
  const entry: unknown = list[0];
  if (list.length !== 1 || !isJSONObject(entry)) return false;
  // members other than the entry's own fields do not decode, so they do not count
  return ENTRY_FIELDS.every((name) => {
    const v = entry[name];
    return v === '' || v === null || v === undefined;
  });
}

/**
 * Encodes entries as kube stores them (B4.1, B4.3): keys in kube's order, `fieldsType: FieldsV1`,
 * no `subresource` for the main resource, sorted by operation, time, manager, apiVersion and
 * subresource. Returns undefined when there are no entries (managedFields is then omitted).
 */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  const entries = [...managed.values()].sort(
    (p, q) =>
      compareCodePoints(p.operation, q.operation) ||
      timeSeconds(p.time) - timeSeconds(q.time) ||
      compareCodePoints(p.manager, q.manager) ||
      compareCodePoints(p.apiVersion, q.apiVersion) ||
      compareCodePoints(p.subresource, q.subresource),
  );
  return entries.map((e) => {
    const out: ManagedFieldsEntry = {};
    if (e.manager !== '') out.manager = e.manager;
    out.operation = e.operation;
    out.apiVersion = e.apiVersion;
    if (e.time !== undefined) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = setToFieldsV1(e.set);
    if (e.subresource !== '') out.subresource = e.subresource;
    return out;
  });
}
