/**
 * The scale subresource: an `autoscaling/v1` Scale read from and written to the replica fields a
 * resource declares, as CustomResourceDefinitions declare `subresources.scale`
 * (as kube: k8s.io/apiextensions-apiserver pkg/registry/customresource/etcd.go ScaleREST).
 * @module
 */
import { badRequest, fieldError, internalError, invalid } from '@kapi/apimachinery';
import type { GroupVersionKind, KubeObject } from '@kapi/apimachinery';
import { applyPatch, compileMergeSchema } from '../patch/index.js';
import type { MergeSchema } from '../patch/index.js';
import type { WriteQuery } from './options.js';

/** Where a resource keeps its replica counts, as a CRD's `subresources.scale` names them. */
export interface ScaleSubresourceConfig {
  /** The desired replicas, e.g. `.spec.replicas`; must be under `.spec`. */
  specReplicasPath: string;
  /** The observed replicas, e.g. `.status.replicas`; must be under `.status`. */
  statusReplicasPath: string;
  /** The label selector in its string form, e.g. `.status.selector`; under `.spec` or `.status`. */
  labelSelectorPath?: string;
}

/** autoscaling/v1 Scale. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** The kind the scale subresource speaks. */
export const SCALE_GVK: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

const pathPattern = /^\.[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/**
 * Checks a scale declaration at install time, as CRD validation does: simple dotted paths,
 * desired replicas under `.spec`, observed replicas under `.status`.
 */
export function validateScaleConfig(config: ScaleSubresourceConfig, resource: string): void {
  const check = (name: string, path: string, roots: readonly string[]) => {
    if (!pathPattern.test(path) || !roots.some((r) => path.startsWith(`${r}.`))) {
      throw new Error(
        `resource ${resource}: scale ${name} ${JSON.stringify(path)} must be a simple JSON path under ${roots.join(' or ')}`,
      );
    }
  };
  check('specReplicasPath', config.specReplicasPath, ['.spec']);
  check('statusReplicasPath', config.statusReplicasPath, ['.status']);
  if (config.labelSelectorPath !== undefined && config.labelSelectorPath !== '')
    check('labelSelectorPath', config.labelSelectorPath, ['.spec', '.status']);
}

function segments(path: string): string[] {
  return path.replace(/^\./, '').split('.');
}

/** Reads a nested field: `found` false when a level is missing; throws when a level is not an object. */
function nested(obj: KubeObject, path: string): { value: unknown; found: boolean } {
  let current: unknown = obj;
  for (const key of segments(path)) {
    if (current === undefined || current === null) return { value: undefined, found: false };
    if (typeof current !== 'object' || Array.isArray(current)) {
      throw internalError(new Error(`${path} accessor error: ${key} is not an object`));
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { value: current, found: current !== undefined && current !== null };
}

function nestedInteger(obj: KubeObject, path: string): { value: number; found: boolean } {
  const { value, found } = nested(obj, path);
  if (!found) return { value: 0, found: false };
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    // as kube's NestedInt64: a value of another type is an accessor error
    throw internalError(
      new Error(`${path} accessor error: ${JSON.stringify(value)} is not an integer`),
    );
  }
  return { value, found: true };
}

/** The Scale of an object, and whether its desired replicas are set at all. */
export function scaleOf(
  obj: KubeObject,
  config: ScaleSubresourceConfig,
): { scale: Scale; replicasFound: boolean } {
  const spec = nestedInteger(obj, config.specReplicasPath);
  const status = nestedInteger(obj, config.statusReplicasPath);
  let selector = '';
  if (config.labelSelectorPath !== undefined && config.labelSelectorPath !== '') {
    const s = nested(obj, config.labelSelectorPath);
    if (s.found && typeof s.value !== 'string') {
      throw internalError(new Error(`${config.labelSelectorPath} accessor error: not a string`));
    }
    selector = s.found ? (s.value as string) : '';
  }
  const meta = obj.metadata ?? {};
  const metadata: NonNullable<KubeObject['metadata']> = {};
  if (meta.name !== undefined) metadata.name = meta.name;
  if (meta.namespace !== undefined && meta.namespace !== '') metadata.namespace = meta.namespace;
  if (meta.uid !== undefined) metadata.uid = meta.uid;
  if (meta.resourceVersion !== undefined) metadata.resourceVersion = meta.resourceVersion;
  if (meta.creationTimestamp !== undefined) metadata.creationTimestamp = meta.creationTimestamp;
  const scale: Scale = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    // ScaleSpec.replicas is omitempty; ScaleStatus.replicas is not
    spec: spec.value !== 0 ? { replicas: spec.value } : {},
    status: { replicas: status.value, ...(selector !== '' ? { selector } : {}) },
  };
  return { scale, replicasFound: spec.found };
}

/** GET: the Scale; an object without desired replicas is a 500, as kube answers. */
export function getScale(obj: KubeObject, config: ScaleSubresourceConfig): Scale {
  const { scale, replicasFound } = scaleOf(obj, config);
  if (!replicasFound) {
    throw internalError(
      new Error(
        `the spec replicas field ${JSON.stringify(config.specReplicasPath)} does not exist`,
      ),
    );
  }
  return scale;
}

const scaleTopFields = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/**
 * Checks a Scale sent by a client: its fields (unknown ones reported for fieldValidation) and that
 * the replicas are a non-negative 32-bit integer (as kube's ValidateScale). Returns the unknown fields.
 */
export function checkScaleBody(scale: KubeObject, name: string): string[] {
  const unknown: string[] = [];
  for (const key of Object.keys(scale)) if (!scaleTopFields.has(key)) unknown.push(key);
  const spec = scale.spec;
  if (spec !== undefined && spec !== null) {
    if (typeof spec !== 'object' || Array.isArray(spec))
      throw badRequest('Scale.spec: expected an object');
    for (const key of Object.keys(spec)) if (key !== 'replicas') unknown.push(`spec.${key}`);
    const replicas = (spec as { replicas?: unknown }).replicas;
    if (replicas !== undefined && replicas !== null) {
      if (
        typeof replicas !== 'number' ||
        !Number.isInteger(replicas) ||
        Math.abs(replicas) > 2 ** 31 - 1
      ) {
        throw badRequest(
          `Scale.spec.replicas: cannot unmarshal ${JSON.stringify(replicas)} into a 32-bit integer`,
        );
      }
      if (replicas < 0) {
        throw invalid({ group: SCALE_GVK.group, kind: SCALE_GVK.kind }, name, [
          fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
        ]);
      }
    }
  }
  const status = scale.status;
  if (status !== undefined && status !== null && typeof status === 'object')
    for (const key of Object.keys(status))
      if (key !== 'replicas' && key !== 'selector') unknown.push(`status.${key}`);
  return unknown;
}

function setNested(obj: KubeObject, path: string, value: unknown): void {
  const keys = segments(path);
  let current = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (next === undefined || next === null) {
      const created: Record<string, unknown> = {};
      current[key] = created;
      current = created;
    } else if (typeof next === 'object' && !Array.isArray(next)) {
      current = next as Record<string, unknown>;
    } else {
      throw badRequest(
        `the spec replicas field ${JSON.stringify(path)} cannot be set: ${key} is not an object`,
      );
    }
  }
  current[keys[keys.length - 1]!] = value;
}

/**
 * Applies a client's Scale to the object: the desired replicas go to their path; a resourceVersion
 * in the Scale becomes the update's precondition. Everything else in the Scale is ignored.
 */
export function applyScale(
  current: KubeObject,
  scale: KubeObject,
  config: ScaleSubresourceConfig,
): KubeObject {
  const replicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
  setNested(current, config.specReplicasPath, replicas);
  const rv = scale.metadata?.resourceVersion ?? '';
  if (rv !== '') (current.metadata ??= {}).resourceVersion = rv;
  return current;
}

let scaleMergeSchema: MergeSchema | undefined;

function mergeSchemaOfScale(): MergeSchema {
  scaleMergeSchema ??= compileMergeSchema({
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
      status: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', format: 'int32' },
          selector: { type: 'string' },
        },
      },
    },
  });
  return scaleMergeSchema;
}

/**
 * PATCH: the patch applies to the current Scale (JSON, merge or strategic merge patch, as for the
 * built-in Scale type); a patch that leaves unset replicas unset is a 400, as kube answers.
 */
export function patchScale(
  current: KubeObject,
  config: ScaleSubresourceConfig,
  contentType: string,
  body: Uint8Array,
  fieldValidation: WriteQuery['fieldValidation'],
): { scale: KubeObject; strictErrors: string[] } {
  const { scale, replicasFound } = scaleOf(current, config);
  if (!replicasFound) delete scale.spec.replicas;
  const { object, strictErrors } = applyPatch(contentType, scale, body, mergeSchemaOfScale(), {
    fieldValidation,
  });
  const replicas = (object.spec as { replicas?: unknown } | undefined)?.replicas;
  if (!replicasFound && (replicas === undefined || replicas === null)) {
    throw badRequest(
      `the spec replicas field ${JSON.stringify(config.specReplicasPath)} cannot be empty`,
    );
  }
  if (object.apiVersion !== 'autoscaling/v1' || object.kind !== 'Scale') {
    throw badRequest('the patch changed apiVersion or kind, which a patch may not do');
  }
  return { scale: object, strictErrors };
}
