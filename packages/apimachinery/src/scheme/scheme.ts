/**
 * The scheme: the registry of a host's API groups, versions and kinds that the server uses for
 * discovery, routing, decoding, defaulting, validation and conversion. It plays the parts of kube's
 * `runtime.Scheme` (k8s.io/apimachinery/pkg/runtime/scheme.go) and of its RESTMapper with kubectl's
 * version priorities (k8s.io/apimachinery/pkg/api/meta restmapper.go, priority.go).
 * @module
 */
import { deepCopyJson } from '../deep-copy.js';
import type { Ajv, ValidateFunction } from 'ajv';
import { internalError, badRequest, quote, StatusError, type FieldError } from '../errors.js';
import type { GroupKind, GroupResource } from '../errors.js';
import {
  apiVersionOf,
  gvkString,
  parseApiVersion,
  type GroupVersion,
  type GroupVersionKind,
  type GroupVersionResource,
} from '../gvk.js';
import type {
  APIGroup,
  APIGroupList,
  GroupVersionForDiscovery,
  KubeObject,
} from '../meta/types.js';
import {
  noGroupVersionMatch,
  noKindMatch,
  noResourceMatch,
  notRegisteredKind,
  notSuitableForConverting,
} from './errors.js';
import { compileSchema, createAjv, toFieldErrors } from './schema-validation.js';
import {
  INTERNAL_VERSION,
  type Converter,
  type Defaulter,
  type GroupDefinition,
  type JsonSchema,
  type KindDefinition,
  type PartialKind,
  type PartialResource,
  type ResourceMapping,
  type VersionDefinition,
} from './types.js';
import { compareKubeAwareVersions } from './version-order.js';

interface VersionEntry {
  readonly mapping: ResourceMapping;
  readonly toHub: Converter;
  readonly fromHub: Converter;
  readonly defaulter: Defaulter | undefined;
  readonly schema: JsonSchema | undefined;
}

interface KindEntry {
  readonly kind: string;
  readonly listKind: string;
  /** Keyed by version, in the group's priority order. */
  readonly versions: ReadonlyMap<string, VersionEntry>;
}

interface GroupEntry {
  readonly name: string;
  /** Served versions, most preferred first. */
  readonly versions: readonly string[];
  readonly hub: string;
  /** Kinds in registration order. */
  readonly kinds: ReadonlyMap<string, KindEntry>;
  readonly listKinds: ReadonlyMap<string, KindEntry>;
}

const identity: Converter = (obj) => obj;

// as kube's CRD validation: DNS-1123 subdomain for groups, DNS-1035 labels for versions and names
const DNS1123_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^(?=.{1,63}$)[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const KIND_NAME = /^[A-Za-z](?:[-A-Za-z0-9]*[A-Za-z0-9])?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Served versions, most preferred first: explicit priorities (ties by kube order), then the rest as registered. */
function prioritize(versions: readonly VersionDefinition[]): string[] {
  const ranked = versions
    .filter((v): v is Required<VersionDefinition> => v.priority !== undefined)
    .sort((a, b) => b.priority - a.priority || compareKubeAwareVersions(b.version, a.version));
  const rest = versions.filter((v) => v.priority === undefined);
  return [...ranked, ...rest].map((v) => v.version);
}

/**
 * Reads `apiVersion` and `kind` of an object. A missing one is a 400 worded as kube's decoder
 * words it (k8s.io/apimachinery/pkg/runtime missingKindErr / missingVersionErr); the kind is
 * checked first, as kube does.
 */
export function gvkOf(obj: KubeObject): GroupVersionKind {
  if (!isRecord(obj)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  const { apiVersion, kind } = obj;
  if (typeof kind !== 'string' || kind === '') {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(obj)}'`);
  }
  return { ...parseApiVersion(apiVersion), kind };
}

/** Options of a {@link Scheme}. */
export interface SchemeOptions {
  /** The name errors quote, as kube's `in scheme "…"`; defaults to `kapi`. */
  name?: string;
}

/**
 * The registry of a host's API types. Register each group once with {@link Scheme.addGroup}; then
 * look resources and kinds up, and default, validate and convert objects. Every unknown group,
 * version, kind or resource is a {@link StatusError}: a {@link NotRegisteredError} (400) where an
 * object names it, a {@link NoMatchError} (404) where a lookup does.
 */
export class Scheme {
  /** The name errors quote. */
  readonly name: string;
  readonly #groups = new Map<string, GroupEntry>();
  #ajv: Ajv | undefined;
  readonly #validators = new WeakMap<JsonSchema, ValidateFunction>();

  constructor(options: SchemeOptions = {}) {
    this.name = options.name ?? 'kapi';
  }

  /**
   * Registers a group with its versions and kinds. Throws (registering nothing) on a group
   * registered before, a duplicate version, kind or resource, a kind naming a version the group
   * does not declare, an invalid name, or half a conversion.
   */
  addGroup(definition: GroupDefinition): this {
    const entry = this.#buildGroup(definition);
    this.#groups.set(entry.name, entry);
    return this;
  }

  #fail(message: string): never {
    throw new Error(`scheme ${quote(this.name)}: ${message}`);
  }

  #buildGroup(def: GroupDefinition): GroupEntry {
    const group = def.group;
    if (group !== '' && !DNS1123_SUBDOMAIN.test(group)) {
      this.#fail(`group ${quote(group)} must be a lower-case DNS subdomain`);
    }
    if (this.#groups.has(group)) this.#fail(`group ${quote(group)} is already registered`);
    const versionDefs = def.versions.map((v) => (typeof v === 'string' ? { version: v } : v));
    if (versionDefs.length === 0) this.#fail(`group ${quote(group)} declares no versions`);
    const seen = new Set<string>();
    for (const { version, priority } of versionDefs) {
      if (!DNS1035_LABEL.test(version)) {
        this.#fail(`version ${quote(version)} of group ${quote(group)} must be a DNS-1035 label`);
      }
      if (seen.has(version))
        this.#fail(`version ${quote(version)} of group ${quote(group)} is declared twice`);
      if (priority !== undefined && !Number.isFinite(priority)) {
        this.#fail(`version ${quote(version)} of group ${quote(group)} has a non-finite priority`);
      }
      seen.add(version);
    }
    const versions = prioritize(versionDefs);
    const hub = def.hubVersion ?? versions[0]!;
    if (hub !== INTERNAL_VERSION && !seen.has(hub)) {
      this.#fail(
        `hub version ${quote(hub)} of group ${quote(group)} is neither a declared version nor ${quote(INTERNAL_VERSION)}`,
      );
    }
    const kinds = new Map<string, KindEntry>();
    const listKinds = new Map<string, KindEntry>();
    const plurals = new Set<string>();
    for (const kindDef of def.kinds) {
      const entry = this.#buildKind(group, versions, hub, kindDef);
      if (kinds.has(entry.kind) || listKinds.has(entry.kind)) {
        this.#fail(`kind ${quote(entry.kind)} is registered twice in group ${quote(group)}`);
      }
      if (kinds.has(entry.listKind) || listKinds.has(entry.listKind)) {
        this.#fail(
          `list kind ${quote(entry.listKind)} is registered twice in group ${quote(group)}`,
        );
      }
      if (plurals.has(kindDef.plural)) {
        this.#fail(
          `resource ${quote(kindDef.plural)} is registered twice in group ${quote(group)}`,
        );
      }
      kinds.set(entry.kind, entry);
      listKinds.set(entry.listKind, entry);
      plurals.add(kindDef.plural);
    }
    return { name: group, versions: Object.freeze(versions), hub, kinds, listKinds };
  }

  #buildKind(
    group: string,
    versions: readonly string[],
    hub: string,
    def: KindDefinition,
  ): KindEntry {
    const { kind } = def;
    const where = `kind ${quote(kind)} of group ${quote(group)}`;
    if (!KIND_NAME.test(kind))
      this.#fail(`${where}: the kind must be alphanumeric, starting with a letter`);
    const listKind = def.listKind ?? `${kind}List`;
    if (!KIND_NAME.test(listKind) || listKind === kind) {
      this.#fail(`${where}: list kind ${quote(listKind)} is invalid`);
    }
    const singular = def.singular ?? kind.toLowerCase();
    const shortNames = Object.freeze([...(def.shortNames ?? [])]);
    const categories = Object.freeze([...(def.categories ?? [])]);
    for (const [what, name] of [
      ['plural', def.plural],
      ['singular', singular],
      ...shortNames.map((s) => ['short name', s] as const),
      ...categories.map((c) => ['category', c] as const),
    ] as const) {
      if (!DNS1035_LABEL.test(name))
        this.#fail(`${where}: ${what} ${quote(name)} must be a DNS-1035 label`);
    }
    const declared = Object.keys(def.versions);
    if (declared.length === 0) this.#fail(`${where} exists in no version`);
    for (const version of declared) {
      if (!versions.includes(version)) {
        this.#fail(`${where} names version ${quote(version)}, which the group does not declare`);
      }
    }
    const entries = new Map<string, VersionEntry>();
    // in priority order, so that iterating a kind's versions walks them most preferred first
    for (const version of versions) {
      const v = def.versions[version];
      if (v === undefined) continue;
      if ((v.toHub === undefined) !== (v.fromHub === undefined)) {
        this.#fail(`${where}, version ${quote(version)}: give both toHub and fromHub, or neither`);
      }
      if (version === hub && v.toHub !== undefined) {
        this.#fail(`${where}, version ${quote(version)} is the hub and takes no conversion`);
      }
      const mapping: ResourceMapping = Object.freeze({
        group,
        version,
        kind,
        resource: def.plural,
        singular,
        shortNames,
        categories,
        namespaced: def.namespaced,
        listKind,
      });
      entries.set(version, {
        mapping,
        toHub: v.toHub ?? identity,
        fromHub: v.fromHub ?? identity,
        defaulter: v.default,
        schema: v.schema,
      });
    }
    return { kind, listKind, versions: entries };
  }

  // ---- groups and versions -------------------------------------------------------------------

  /** Registered group names, in registration order (the order discovery and lookups prefer). */
  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** True when `group` is registered. */
  hasGroup(group: string): boolean {
    return this.#groups.has(group);
  }

  #group(group: string): GroupEntry {
    const entry = this.#groups.get(group);
    if (entry === undefined) throw noGroupVersionMatch(group);
    return entry;
  }

  /** The served versions of a group, most preferred first; an unknown group is a 404. */
  versions(group: string): readonly string[] {
    return this.#group(group).versions;
  }

  /** The preferred (highest-priority) version of a group; an unknown group is a 404. */
  preferredVersion(group: string): string {
    return this.#group(group).versions[0]!;
  }

  /** The hub version of a group: the one every conversion goes through. */
  hubVersion(group: string): string {
    return this.#group(group).hub;
  }

  /** The group as `GET /apis/<group>` answers it, versions most preferred first. */
  apiGroup(group: string): APIGroup {
    const { versions } = this.#group(group);
    const entries: GroupVersionForDiscovery[] = versions.map((version) => ({
      groupVersion: apiVersionOf({ group, version }),
      version,
    }));
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: group,
      versions: entries,
      preferredVersion: entries[0]!,
    };
  }

  /** Every named group as `GET /apis` answers it (the core group is served at `/api` instead). */
  apiGroupList(): APIGroupList {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.groups()
        .filter((g) => g !== '')
        .map((g) => this.apiGroup(g)),
    };
  }

  /** The resources served at a group version, in registration order; an unknown one is a 404. */
  mappingsForGroupVersion(gv: GroupVersion): ResourceMapping[] {
    const entry = this.#group(gv.group);
    if (!entry.versions.includes(gv.version)) throw noGroupVersionMatch(gv.group, gv.version);
    const out: ResourceMapping[] = [];
    for (const kind of entry.kinds.values()) {
      const v = kind.versions.get(gv.version);
      if (v !== undefined) out.push(v.mapping);
    }
    return out;
  }

  // ---- lookups --------------------------------------------------------------------------------

  /** Every mapping, most preferred first: groups as registered, versions by priority, kinds as registered. */
  *#mappings(groups: Iterable<GroupEntry>, version?: string): Generator<ResourceMapping> {
    for (const group of groups) {
      for (const v of group.versions) {
        if (version !== undefined && v !== version) continue;
        for (const kind of group.kinds.values()) {
          const entry = kind.versions.get(v);
          if (entry !== undefined) yield entry.mapping;
        }
      }
    }
  }

  /** The mapping of a kind at a version; unknown is a 404 `no matches for kind …`. */
  mapping(gvk: GroupVersionKind): ResourceMapping {
    const found = this.#groups.get(gvk.group)?.kinds.get(gvk.kind)?.versions.get(gvk.version);
    if (found === undefined) throw noKindMatch(gvk);
    return found.mapping;
  }

  /** The mapping of a resource (plural, any case) at a version; unknown is a 404. */
  mappingForResource(gvr: GroupVersionResource): ResourceMapping {
    const resource = gvr.resource.toLowerCase();
    const group = this.#groups.get(gvr.group);
    if (group !== undefined) {
      for (const m of this.#mappings([group], gvr.version)) if (m.resource === resource) return m;
    }
    throw noResourceMatch({ ...gvr, resource });
  }

  /** The kind a resource at a version serves. */
  kindFor(gvr: GroupVersionResource): GroupVersionKind {
    const { group, version, kind } = this.mappingForResource(gvr);
    return { group, version, kind };
  }

  /** The resource that serves a kind at a version. */
  resourceFor(gvk: GroupVersionKind): GroupVersionResource {
    const { group, version, resource } = this.mapping(gvk);
    return { group, version, resource };
  }

  /** A group's resource (plural, any case) at every version serving it, most preferred first. */
  mappingsForGroupResource(gr: GroupResource): ResourceMapping[] {
    const resource = gr.resource.toLowerCase();
    const group = this.#groups.get(gr.group);
    const out =
      group === undefined
        ? []
        : [...this.#mappings([group])].filter((m) => m.resource === resource);
    if (out.length === 0) throw noResourceMatch({ group: gr.group, resource });
    return out;
  }

  /**
   * Every match for a resource as a user names it (kubectl's RESTMapper): plural or singular in any
   * case; failing those, a short name. A group that matches exactly is searched first, then groups
   * it is a prefix of (`storage` finds `storage.k8s.io`). Most preferred first: groups in
   * registration order, versions by priority. None is a 404.
   */
  resourcesFor(partial: PartialResource): ResourceMapping[] {
    const name = partial.resource.toLowerCase();
    if (name === '') throw badRequest('a resource must be present');
    const search = (groups: Iterable<GroupEntry>): ResourceMapping[] => {
      const all = [...this.#mappings(groups, partial.version)];
      const byName = all.filter((m) => m.resource === name || m.singular === name);
      return byName.length > 0 ? byName : all.filter((m) => m.shortNames.includes(name));
    };
    let found: ResourceMapping[];
    if (partial.group === undefined) {
      found = search(this.#groups.values());
    } else {
      const requested = partial.group;
      const exact = this.#groups.get(requested);
      found = exact === undefined ? [] : search([exact]);
      if (found.length === 0 && requested !== '') {
        // as kube: DefaultRESTMapper.ResourcesFor falls back to a prefix match on the group
        const prefixed = [...this.#groups.values()].filter(
          (g) => g.name !== requested && g.name.startsWith(requested),
        );
        found = search(prefixed);
      }
    }
    if (found.length === 0) throw noResourceMatch({ ...partial, resource: name });
    return found;
  }

  /** The most preferred of {@link Scheme.resourcesFor}. */
  resolveResource(partial: PartialResource): ResourceMapping {
    return this.resourcesFor(partial)[0]!;
  }

  /**
   * Every mapping of a kind, most preferred first; the kind matches exactly, or failing that
   * case-insensitively. None is a 404 `no matches for kind …`.
   */
  kindsFor(partial: PartialKind): ResourceMapping[] {
    const groups =
      partial.group === undefined
        ? [...this.#groups.values()]
        : [this.#groups.get(partial.group)].filter((g) => g !== undefined);
    const all = [...this.#mappings(groups, partial.version)];
    let found = all.filter((m) => m.kind === partial.kind);
    if (found.length === 0) {
      const lower = partial.kind.toLowerCase();
      found = all.filter((m) => m.kind.toLowerCase() === lower);
    }
    if (found.length === 0) throw noKindMatch(partial);
    return found;
  }

  /** The most preferred of {@link Scheme.kindsFor}. */
  resolveKind(partial: PartialKind): ResourceMapping {
    return this.kindsFor(partial)[0]!;
  }

  /** The resources of a category (e.g. `all`), each at its preferred version, groups in registration order. */
  resourcesInCategory(category: string): ResourceMapping[] {
    const out: ResourceMapping[] = [];
    for (const group of this.#groups.values()) {
      for (const kind of group.kinds.values()) {
        const preferred = kind.versions.values().next();
        if (!preferred.done && preferred.value.mapping.categories.includes(category)) {
          out.push(preferred.value.mapping);
        }
      }
    }
    return out;
  }

  /** Whether a resource or kind is namespaced; unknown is a 404. */
  isNamespaced(ref: GroupResource | GroupKind): boolean {
    if ('resource' in ref) return this.mappingsForGroupResource(ref)[0]!.namespaced;
    const kind = this.#groups.get(ref.group)?.kinds.get(ref.kind);
    if (kind === undefined) throw noKindMatch(ref);
    return kind.versions.values().next().value!.mapping.namespaced;
  }

  // ---- objects --------------------------------------------------------------------------------

  /** True when the kind is registered at that version. */
  recognizes(gvk: GroupVersionKind): boolean {
    return this.#groups.get(gvk.group)?.kinds.get(gvk.kind)?.versions.has(gvk.version) === true;
  }

  /**
   * The kind's version entry, or for the hub version (served or internal) the identity; anything
   * else is a 400 NotRegisteredError.
   */
  #entry(gvk: GroupVersionKind): {
    group: GroupEntry;
    kind: KindEntry;
    at: VersionEntry | undefined;
  } {
    const group = this.#groups.get(gvk.group);
    const kind = group?.kinds.get(gvk.kind);
    if (group === undefined || kind === undefined) throw notRegisteredKind(this.name, gvk);
    const at = kind.versions.get(gvk.version);
    if (at === undefined && gvk.version !== group.hub) throw notRegisteredKind(this.name, gvk);
    return { group, kind, at };
  }

  /** The schema registered for a kind at a version, if any (for OpenAPI); unregistered is a 400. */
  schema(gvk: GroupVersionKind): JsonSchema | undefined {
    return this.#entry(gvk).at?.schema;
  }

  /** An empty object of a kind at a version (its hub version included); unregistered is a 400. */
  newObject(gvk: GroupVersionKind): KubeObject {
    this.#entry(gvk);
    return { apiVersion: apiVersionOf(gvk), kind: gvk.kind, metadata: {} };
  }

  /** An empty list of a kind at a version; unregistered is a 400. */
  newList(gvk: GroupVersionKind): KubeObject {
    const { kind } = this.#entry(gvk);
    return { apiVersion: apiVersionOf(gvk), kind: kind.listKind, metadata: {}, items: [] };
  }

  /**
   * Validates an object against the schema of a kind at a version, compiled once on first use.
   * Returns the failures as field errors worded as kube words a custom resource's schema failures
   * (e.g. `spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal
   * to 1`); none when valid or when no schema is registered. Unregistered is a 400; a schema ajv
   * cannot compile is a 500.
   */
  validateSchema(gvk: GroupVersionKind, obj: unknown): FieldError[] {
    const schema = this.#entry(gvk).at?.schema;
    if (schema === undefined) return [];
    let validate = this.#validators.get(schema);
    if (validate === undefined) {
      try {
        validate = compileSchema((this.#ajv ??= createAjv()), schema);
      } catch (err) {
        throw internalError(`the schema of ${gvkString(gvk)} does not compile: ${messageOf(err)}`);
      }
      this.#validators.set(schema, validate);
    }
    return validate(obj) ? [] : toFieldErrors(validate.errors ?? [], obj);
  }

  /**
   * A defaulted copy of an object (or of each item of a list), by the defaulter of its kind at
   * its version; the argument is not touched. Unregistered is a 400.
   */
  default(obj: KubeObject): KubeObject {
    const gvk = gvkOf(obj);
    const list = this.#groups.get(gvk.group)?.listKinds.get(gvk.kind);
    if (list !== undefined) {
      return this.#mapItems(obj, gvk, list, (item) => this.default(item));
    }
    const { at } = this.#entry(gvk);
    const copy = deepCopyJson(obj);
    if (at?.defaulter !== undefined) {
      const defaulter = at.defaulter;
      run(
        () => {
          defaulter(copy);
        },
        `defaulting ${gvkString(gvk)}`,
      );
    }
    return copy;
  }

  /**
   * A copy of an object converted to another version of its group: from its version to the hub,
   * then from the hub to the target, with `apiVersion` and `kind` set at each step; the argument is
   * not touched. A list converts item by item. A kind not registered at either version, or a
   * target in another group, is a 400; a converter's StatusError passes through, anything else it
   * throws is a 500.
   */
  convert(obj: KubeObject, target: GroupVersion): KubeObject {
    const gvk = gvkOf(obj);
    const list = this.#groups.get(gvk.group)?.listKinds.get(gvk.kind);
    // as kube: Scheme.convertToVersion checks the source is registered before the target fits
    const from = this.#entry(list === undefined ? gvk : { ...gvk, kind: list.kind });
    if (target.group !== gvk.group) throw notSuitableForConverting(this.name, gvk, target);
    if (list !== undefined) {
      return this.#mapItems(obj, gvk, list, (item) => this.convert(item, target), target);
    }
    const to = this.#entry({ ...target, kind: gvk.kind });
    let out = deepCopyJson(obj);
    if (gvk.version !== target.version) {
      out = step(from.at?.toHub ?? identity, out, `converting ${gvkString(gvk)} to the hub`);
      out.apiVersion = apiVersionOf({ group: gvk.group, version: from.group.hub });
      out.kind = gvk.kind;
      out = step(
        to.at?.fromHub ?? identity,
        out,
        `converting ${gvkString(gvk)} from the hub to ${apiVersionOf(target)}`,
      );
    }
    out.apiVersion = apiVersionOf(target);
    out.kind = gvk.kind;
    return out;
  }

  /** Applies `each` to every item of a list; items without apiVersion/kind take the list's. */
  #mapItems(
    list: KubeObject,
    gvk: GroupVersionKind,
    entry: KindEntry,
    each: (item: KubeObject) => KubeObject,
    target?: GroupVersion,
  ): KubeObject {
    const items = list.items ?? [];
    if (!Array.isArray(items)) throw badRequest(`${gvkString(gvk)}: items must be a list`);
    const converted = items.map((item: unknown, i) => {
      if (!isRecord(item)) throw badRequest(`${gvkString(gvk)}: items[${i}] must be an object`);
      return each({ apiVersion: apiVersionOf(gvk), kind: entry.kind, ...item });
    });
    const out: KubeObject = { ...deepCopyJson({ ...list, items: [] }), items: converted };
    if (target !== undefined) out.apiVersion = apiVersionOf(target);
    return out;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs host code: its StatusErrors pass through, anything else becomes a 500 saying what failed. */
function run(fn: () => void, what: string): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw internalError(`${what}: ${messageOf(err)}`);
  }
}

function step(converter: Converter, obj: KubeObject, what: string): KubeObject {
  let result: unknown;
  run(() => {
    result = converter(obj);
  }, what);
  if (!isRecord(result)) throw internalError(`${what}: the converter returned no object`);
  return result;
}
