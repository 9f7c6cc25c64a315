/**
 * A resource as a host declares it to the server, and as the server installs it: its scheme
 * facts, store, verbs, printing and selectable fields, computed once at start-up.
 * @module
 */
import {
  defaultFieldLabelConversion,
  defaultClusterScopedAttrs,
  defaultNamespaceScopedAttrs,
  supportedFieldLabels,
} from '@kapi/apimachinery';
import type { AttrsFunc, FieldTransform, ResourceMapping, Scheme } from '@kapi/apimachinery';
import type { Storage } from '@kapi/storage';
import { RegistryStore } from '../registry/store.js';
import type { ResourceStrategy } from '../registry/strategy.js';
import { columnsTableConvertor, defaultTableConvertor } from '../table.js';
import type { PrinterColumn, TableConvertor } from '../table.js';
import { validateScaleConfig } from './scale.js';
import type { ScaleSubresourceConfig } from './scale.js';

/** The verbs a resource can serve. */
export type ResourceVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** Every verb, in kube's discovery order. */
export const ALL_VERBS: readonly ResourceVerb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** How a host serves one resource of its scheme. */
export interface ResourceConfig {
  /** The group (`''` for core) and plural resource, as registered in the scheme. */
  group: string;
  resource: string;
  /** Life-cycle hooks; see {@link ResourceStrategy}. */
  strategy?: ResourceStrategy;
  /** Columns for `kubectl get`; default Name and Created At. */
  printerColumns?: readonly PrinterColumn[];
  /** A convertor of its own, for columns JSONPath cannot compute (counts, ages, joined fields); wins over `printerColumns`. */
  table?: TableConvertor;
  /** Fields beyond `metadata.name` and `metadata.namespace` a field selector may use. */
  selectableFields?: readonly string[];
  /** Reads an object's labels and selectable fields; required when `selectableFields` are given. */
  getAttrs?: AttrsFunc;
  /** Serve `/status` (the main resource then ignores status changes). */
  statusSubresource?: boolean;
  /** Serve `/scale` as autoscaling/v1 Scale over these replica fields (as a CRD's `subresources.scale`). */
  scaleSubresource?: ScaleSubresourceConfig;
  /** The verbs served; default all. */
  verbs?: readonly ResourceVerb[];
  /** Storage for this resource only; default the server's. */
  storage?: Storage;
}

/** A resource as the server serves it. */
export interface InstalledResource {
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  /** The served versions, most preferred first. */
  readonly versions: readonly string[];
  /** The version objects are stored at. */
  readonly storageVersion: string;
  readonly mappings: ReadonlyMap<string, ResourceMapping>;
  readonly store: RegistryStore;
  readonly verbs: ReadonlySet<ResourceVerb>;
  readonly table: TableConvertor;
  readonly fieldLabelConversion: FieldTransform;
  readonly getAttrs: AttrsFunc;
  readonly statusSubresource: boolean;
  /** Where the scale subresource reads and writes replicas; absent when there is none. */
  readonly scaleSubresource: ScaleSubresourceConfig | undefined;
}

/** Where a resource's objects live in storage: `/<resource>` for the core group, `/<group>/<resource>` otherwise. */
export function keyRootOf(ref: { group: string; resource: string }): string {
  return ref.group === '' ? `/${ref.resource}` : `/${ref.group}/${ref.resource}`;
}

/** Installs one resource: resolves it in the scheme and builds its store. Throws at start-up on a misconfiguration. */
export function installResource(
  scheme: Scheme,
  storage: Storage | ((keyRoot: string, own: Storage | undefined) => Storage),
  config: ResourceConfig,
): InstalledResource {
  const mappings = scheme.mappingsForGroupResource({
    group: config.group,
    resource: config.resource,
  });
  const first = mappings[0];
  if (first === undefined) {
    throw new Error(`resource ${config.resource}.${config.group} is not registered in the scheme`);
  }
  const versions = mappings.map((m) => m.version);
  const hub = scheme.hubVersion(config.group);
  const storageVersion = versions.includes(hub) ? hub : versions[0]!;
  if (
    config.selectableFields !== undefined &&
    config.selectableFields.length > 0 &&
    !config.getAttrs
  ) {
    throw new Error(
      `resource ${config.resource}.${config.group} has selectableFields but no getAttrs`,
    );
  }
  if (config.scaleSubresource !== undefined)
    validateScaleConfig(config.scaleSubresource, `${config.resource}.${config.group}`);
  const defaultFields = first.namespaced
    ? ['metadata.name', 'metadata.namespace']
    : ['metadata.name'];
  const strategy: ResourceStrategy = {
    ...config.strategy,
    ...(config.statusSubresource === true ? { hasStatus: true } : {}),
  };
  return {
    group: config.group,
    resource: config.resource,
    kind: first.kind,
    listKind: first.listKind,
    namespaced: first.namespaced,
    versions,
    storageVersion,
    mappings: new Map(mappings.map((m) => [m.version, m])),
    store: new RegistryStore({
      storage:
        typeof storage === 'function'
          ? storage(keyRootOf(config), config.storage)
          : (config.storage ?? storage),
      keyRoot: keyRootOf(config),
      group: config.group,
      resource: config.resource,
      kind: first.kind,
      namespaced: first.namespaced,
      strategy,
    }),
    verbs: new Set(config.verbs ?? ALL_VERBS),
    table:
      config.table ??
      (config.printerColumns !== undefined && config.printerColumns.length > 0
        ? columnsTableConvertor(config.printerColumns)
        : defaultTableConvertor),
    // as kube: resources without their own field-label conversion use apimachinery's default wording
    fieldLabelConversion:
      config.selectableFields === undefined || config.selectableFields.length === 0
        ? defaultFieldLabelConversion
        : supportedFieldLabels([...defaultFields, ...(config.selectableFields ?? [])]),
    getAttrs:
      config.getAttrs ??
      (first.namespaced ? defaultNamespaceScopedAttrs : defaultClusterScopedAttrs),
    statusSubresource: config.statusSubresource === true,
    scaleSubresource: config.scaleSubresource,
  };
}
