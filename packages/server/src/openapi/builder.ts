/**
 * Builds the OpenAPI documents of what a server serves: one definition per kind, list kind and
 * shared meta type, and one path per endpoint with an operation per verb, as kube-apiserver's
 * installer describes them (k8s.io/apiserver pkg/endpoints/installer.go registerResourceHandlers;
 * custom resources: k8s.io/apiextensions-apiserver pkg/controller/openapi/builder).
 *
 * Naming: definitions of kube's own groups carry kube's names (`io.k8s.api.core.v1.ConfigMap`);
 * every other group is named as kube names custom resources, the group reversed
 * (`wardle.example.com/v1alpha1 Flunder` → `com.example.wardle.v1alpha1.Flunder`). Definitions a
 * kind's schema declares locally (`definitions` or `$defs`) become shared definitions of its group
 * version under the same prefix (`com.example.wardle.v1alpha1.FlunderSpec`), prefixed with the kind
 * when two kinds declare different schemas under one name.
 * @module
 */
import type { GroupVersion, GroupVersionKind, Scheme } from '@kapi/apimachinery';
import type { DiscoveryGroup, DiscoveryResource, DiscoverySubresource } from '../discovery.js';
import {
  META_NAMES,
  OBJECT_METADATA_DESCRIPTION,
  LIST_METADATA_DESCRIPTION,
  PER_GROUP_META_KINDS,
  apiVersionProperty,
  kindProperty,
  metaDefinitions,
  ref,
} from './meta-definitions.js';
import {
  articleFor,
  defaultDefinitionName,
  groupVersionPath,
  operationId,
  operationTag,
} from './names.js';
import {
  collectRefs,
  definitionOf,
  dropDanglingRefs,
  normalizeSchema,
  toV2Schema,
  toV3Schema,
} from './schema.js';
import type {
  JsonObject,
  JsonValue,
  OpenAPIOptions,
  OpenAPIV3Document,
  SwaggerDocument,
} from './types.js';

const GVK_EXTENSION = 'x-kubernetes-group-version-kind';
const ACTION_EXTENSION = 'x-kubernetes-action';

/** The media types PATCH accepts by default. */
export const DEFAULT_PATCH_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** The media types responses come in by default. */
export const DEFAULT_PRODUCES: readonly string[] = ['application/json', 'application/yaml'];

/** What an operation does, as kube's `x-kubernetes-action` names it. */
export type OpenAPIAction =
  'get' | 'list' | 'put' | 'patch' | 'post' | 'delete' | 'deletecollection' | 'watch' | 'watchlist';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The query parameters operations take: type and a short description. */
const QUERY_PARAMETERS = {
  allowWatchBookmarks: ['boolean', 'Ask for BOOKMARK events in a watch; the server may ignore it.'],
  continue: ['string', 'The token from a previous page, to read the next one.'],
  dryRun: ['string', 'When All, validate and admit the request but persist nothing.'],
  fieldManager: [
    'string',
    'The name of the actor making the change, recorded in managedFields; required for apply.',
  ],
  fieldSelector: ['string', 'Only objects whose fields match, e.g. metadata.name=x.'],
  fieldValidation: [
    'string',
    'How to treat unknown or duplicate fields in the body: Ignore, Warn or Strict.',
  ],
  force: ['boolean', 'Apply only: take over fields other managers own. Unset for other patches.'],
  gracePeriodSeconds: ['integer', 'Seconds before the object is deleted; 0 means now.'],
  labelSelector: ['string', 'Only objects whose labels match, e.g. app=web,tier!=db.'],
  limit: ['integer', 'At most this many items; the rest are reached with continue.'],
  orphanDependents: ['boolean', 'Deprecated: use propagationPolicy.'],
  pretty: ['string', "If 'true', the output is pretty printed."],
  propagationPolicy: ['string', 'How dependents are handled: Orphan, Background or Foreground.'],
  resourceVersion: ['string', 'Which version of the data the request may be served from.'],
  resourceVersionMatch: ['string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'],
  sendInitialEvents: ['boolean', 'Start a watch with synthetic events for the current state.'],
  timeoutSeconds: ['integer', 'End the list or watch call after this many seconds.'],
  watch: ['boolean', 'Stream add, update and delete events instead of returning a list.'],
} as const satisfies Record<string, readonly [string, string]>;

type QueryParameter = keyof typeof QUERY_PARAMETERS;

const LIST_PARAMS: readonly QueryParameter[] = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WRITE_PARAMS: readonly QueryParameter[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_PARAMS: readonly QueryParameter[] = [...WRITE_PARAMS, 'force'];
const DELETE_PARAMS: readonly QueryParameter[] = [
  'dryRun',
  'gracePeriodSeconds',
  'orphanDependents',
  'propagationPolicy',
];
const DELETECOLLECTION_PARAMS: readonly QueryParameter[] = [
  ...new Set([
    ...DELETE_PARAMS,
    ...LIST_PARAMS.filter((p) => p !== 'watch' && p !== 'allowWatchBookmarks'),
  ]),
].sort();

interface RouteResponse {
  code: string;
  description: string;
  schema: JsonObject;
}

/** One operation of one path, in a form both the v2 and the v3 renderers read. */
interface Route {
  path: string;
  method: Method;
  action: OpenAPIAction;
  operationId: string;
  description: string;
  gvk: GroupVersionKind;
  tag: string;
  /** The kind `{name}` names, for the path parameter's description. */
  nameOf: string;
  query: readonly QueryParameter[];
  body?: { schema: JsonObject; required: boolean };
  responses: RouteResponse[];
  produces: readonly string[];
  consumes: readonly string[];
}

interface GroupVersionModel {
  gv: GroupVersion;
  routes: Route[];
  /** Definitions the group version's document must carry (their references follow). */
  roots: Set<string>;
}

/** Kinds, shared definitions and endpoints, before rendering as v2 or v3. */
export interface OpenAPIModel {
  /** Every definition, in the neutral form. */
  readonly definitions: ReadonlyMap<string, JsonObject>;
  /** The group versions served, with their endpoints. */
  readonly groupVersions: readonly GroupVersionModel[];
  readonly title: string;
  readonly version: string;
}

function sortedObject<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? sortedObject(Object.entries(v as Record<string, unknown>))
      : v,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function gvkValue(gvk: GroupVersionKind): JsonObject {
  return { group: gvk.group, kind: gvk.kind, version: gvk.version };
}

function sameGvk(a: GroupVersionKind, b: GroupVersionKind): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Title-cases each word as Go's strings.Title does (`status` → `Status`). */
function title(s: string): string {
  return s.replace(
    /(^|[^\p{L}\p{N}_])(\p{L})/gu,
    (_m, sep: string, ch: string) => sep + ch.toUpperCase(),
  );
}

class ModelBuilder {
  readonly definitions = new Map<string, JsonObject>();
  /** Names of kinds and list kinds, reserved before any local definition is hoisted. */
  readonly #kindNames = new Set<string>();
  /** Kinds defined so far. */
  readonly #defined = new Set<string>();
  /** Hoisted local definitions: name → canonical text of the host schema, to share equal ones. */
  readonly #hoisted = new Map<string, string>();
  readonly #namer: (gvk: GroupVersionKind) => string;
  readonly #scheme: Scheme;

  constructor(scheme: Scheme, options: OpenAPIOptions) {
    this.#scheme = scheme;
    this.#namer = options.definitionName ?? defaultDefinitionName;
    for (const [name, schema] of Object.entries(metaDefinitions()))
      this.definitions.set(name, schema);
    for (const [name, schema] of Object.entries(options.definitions ?? {})) {
      this.definitions.set(name, normalizeSchema(schema, definitionOf));
    }
  }

  name(gvk: GroupVersionKind): string {
    return this.#namer(gvk);
  }

  /** Reserves the names of kinds before any local definition is hoisted, so none can take them. */
  reserve(name: string): void {
    this.#kindNames.add(name);
  }

  #schemaOf(gvk: GroupVersionKind): unknown {
    return this.#scheme.recognizes(gvk) ? this.#scheme.schema(gvk) : undefined;
  }

  /** The host schema of a kind in neutral form, its local definitions hoisted into shared ones. */
  #hostSchema(gvk: GroupVersionKind, raw: Record<string, unknown>): JsonObject {
    const locals = new Map<string, string>();
    const pending: [string, unknown][] = [];
    const declared = {
      ...(isRecord(raw.definitions) ? raw.definitions : {}),
      ...(isRecord(raw.$defs) ? raw.$defs : {}),
    };
    for (const [local, def] of Object.entries(declared)) {
      const text = stableStringify(def);
      const free = (name: string): boolean =>
        !this.#kindNames.has(name) &&
        (this.#hoisted.get(name) ?? text) === text &&
        (this.#hoisted.has(name) || !this.definitions.has(name));
      let name = this.#namer({ ...gvk, kind: local });
      for (let n = 1; !free(name); n++) {
        if (n > 1000) throw new Error(`openapi: no free definition name for ${name}`);
        name = this.#namer({ ...gvk, kind: `${gvk.kind}${local}${n === 1 ? '' : String(n)}` });
      }
      locals.set(local, name);
      if (!this.#hoisted.has(name)) {
        this.#hoisted.set(name, text);
        pending.push([name, def]);
      }
    }
    const resolve = (target: string): string | undefined => {
      const name = definitionOf(target);
      if (name === undefined) return undefined;
      const local = target.startsWith('#/components/') ? undefined : locals.get(name);
      return local ?? name;
    };
    for (const [name, def] of pending) this.definitions.set(name, normalizeSchema(def, resolve));
    let schema = normalizeSchema(raw, resolve);
    // a root that only points at one of its own definitions is that definition
    const target = typeof schema.$ref === 'string' ? definitionOf(schema.$ref) : undefined;
    if (target !== undefined && schema.properties === undefined && this.definitions.has(target)) {
      const { $ref: _ignored, ...rest } = schema;
      schema = { ...structuredClone(this.definitions.get(target)!), ...rest };
    }
    return schema;
  }

  /** Defines a kind (once) from its registered schema; returns its definition name. */
  defineKind(gvk: GroupVersionKind): string {
    const name = this.#namer(gvk);
    if (this.#defined.has(name)) return name;
    this.#defined.add(name);
    this.#kindNames.add(name);
    const raw = this.#schemaOf(gvk);
    const gvkList: JsonValue = [gvkValue(gvk)];
    if (!isRecord(raw)) {
      // as kube for a custom resource without a schema: any object, so that no client rejects fields
      this.definitions.set(name, { type: 'object', [GVK_EXTENSION]: gvkList });
      return name;
    }
    const schema = this.#hostSchema(gvk, raw);
    const properties: JsonObject = isRecord(schema.properties) ? { ...schema.properties } : {};
    properties.apiVersion = apiVersionProperty();
    properties.kind = kindProperty();
    properties.metadata = ref(META_NAMES.objectMeta, OBJECT_METADATA_DESCRIPTION);
    delete schema.$ref;
    schema.type = 'object';
    schema.properties = sortedObject(Object.entries(properties));
    schema[GVK_EXTENSION] = gvkList;
    this.definitions.set(name, schema);
    return name;
  }

  /** Defines the list kind of a kind; returns its definition name. */
  defineList(gvk: GroupVersionKind, listKind: string, itemName: string): string {
    const listGvk = { ...gvk, kind: listKind };
    const name = this.#namer(listGvk);
    this.#kindNames.add(name);
    this.definitions.set(name, {
      description: `${listKind} is a list of ${gvk.kind}.`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: apiVersionProperty(),
        items: {
          type: 'array',
          items: ref(itemName),
          description: `The ${gvk.kind} objects.`,
        },
        kind: kindProperty(),
        metadata: ref(META_NAMES.listMeta, LIST_METADATA_DESCRIPTION),
      },
      [GVK_EXTENSION]: [gvkValue(listGvk)],
    });
    return name;
  }

  /** The schema a subresource speaks: a defined kind, the built-in Scale, or any object. */
  subresourceSchema(gvk: GroupVersionKind): JsonObject {
    if (this.#scheme.recognizes(gvk)) return ref(this.defineKind(gvk));
    if (gvk.group === 'autoscaling' && gvk.version === 'v1' && gvk.kind === 'Scale') {
      return ref(META_NAMES.scale);
    }
    return { type: 'object', description: `A ${gvk.kind}.` };
  }

  /** Finishes: tags the meta kinds with every served group version and drops dangling refs. */
  finish(served: readonly GroupVersion[]): void {
    const gvs = [{ group: '', version: 'v1' }, ...served]
      .filter(
        (gv, i, all) =>
          all.findIndex((o) => o.group === gv.group && o.version === gv.version) === i,
      )
      .sort((a, b) => (a.group === b.group ? cmp(a.version, b.version) : cmp(a.group, b.group)));
    for (const [name, kind] of PER_GROUP_META_KINDS) {
      const def = this.definitions.get(name);
      if (def === undefined || def[GVK_EXTENSION] !== undefined) continue;
      def[GVK_EXTENSION] = gvs.map((gv) => gvkValue({ ...gv, kind }));
    }
    const known = new Set(this.definitions.keys());
    for (const def of this.definitions.values()) dropDanglingRefs(def, known);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface ResourceContext {
  gv: GroupVersion;
  prefix: string;
  tag: string;
  produces: readonly string[];
  watchProduces: readonly string[];
  patchTypes: readonly string[];
}

/** The endpoints of one resource, as kube's installer lays them out. */
function resourceRoutes(
  builder: ModelBuilder,
  ctx: ResourceContext,
  resource: DiscoveryResource,
  roots: Set<string>,
): Route[] {
  const m = resource.mapping;
  const gvk: GroupVersionKind = { group: m.group, version: m.version, kind: m.kind };
  const kindName = builder.defineKind(gvk);
  const listName = builder.defineList(gvk, m.listKind, kindName);
  roots.add(kindName).add(listName);
  const verbs = new Set(resource.verbs);
  const ns = m.namespaced ? 'Namespaced' : '';
  const collection = m.namespaced
    ? `${ctx.prefix}/namespaces/{namespace}/${m.resource}`
    : `${ctx.prefix}/${m.resource}`;
  const watchCollection = m.namespaced
    ? `${ctx.prefix}/watch/namespaces/{namespace}/${m.resource}`
    : `${ctx.prefix}/watch/${m.resource}`;
  const item = `${collection}/{name}`;
  const kind = m.kind;
  const routes: Route[] = [];
  const route = (
    r: Omit<Route, 'gvk' | 'tag' | 'nameOf' | 'operationId' | 'produces' | 'consumes'> & {
      verb: string;
      rest: string;
      produces?: readonly string[];
      consumes?: readonly string[];
    },
  ): void => {
    const { verb, rest, ...fields } = r;
    routes.push({
      gvk,
      tag: ctx.tag,
      nameOf: kind,
      produces: ctx.produces,
      consumes: ['*/*'],
      ...fields,
      operationId: operationId(verb, ctx.gv, rest),
    });
  };
  const ok = (schema: JsonObject, ...more: [string, string][]): RouteResponse[] => [
    { code: '200', description: 'OK', schema },
    ...more.map(([code, description]) => ({ code, description, schema })),
  ];
  const kindRef = ref(kindName);
  const listRef = ref(listName);
  const statusRef = ref(META_NAMES.status);
  const eventRef = ref(META_NAMES.watchEvent);
  const deleteBody = { schema: ref(META_NAMES.deleteOptions), required: false };
  const deprecatedWatch = "deprecated: use the 'watch' parameter with a list operation instead";

  if (verbs.has('list')) {
    const description = verbs.has('watch')
      ? `list or watch objects of kind ${kind}`
      : `list objects of kind ${kind}`;
    const list = {
      method: 'get',
      action: 'list',
      description,
      query: LIST_PARAMS,
      responses: ok(listRef),
      produces: ctx.watchProduces,
      verb: 'list',
    } as const;
    route({ ...list, path: collection, rest: `${ns}${kind}` });
    if (m.namespaced) {
      route({ ...list, path: `${ctx.prefix}/${m.resource}`, rest: `${kind}ForAllNamespaces` });
    }
  }
  if (verbs.has('watch')) {
    const watchList = {
      method: 'get',
      action: 'watchlist',
      description: `watch individual changes to a list of ${kind}. ${deprecatedWatch}.`,
      query: LIST_PARAMS,
      responses: ok(eventRef),
      produces: ctx.watchProduces,
      verb: 'watch',
    } as const;
    route({ ...watchList, path: watchCollection, rest: `${ns}${kind}List` });
    if (m.namespaced) {
      route({
        ...watchList,
        path: `${ctx.prefix}/watch/${m.resource}`,
        rest: `${kind}ListForAllNamespaces`,
      });
    }
    route({
      path: `${watchCollection}/{name}`,
      method: 'get',
      action: 'watch',
      description: `watch changes to an object of kind ${kind}. ${deprecatedWatch}, filtered to a single item with the 'fieldSelector' parameter.`,
      query: LIST_PARAMS,
      responses: ok(eventRef),
      produces: ctx.watchProduces,
      verb: 'watch',
      rest: `${ns}${kind}`,
    });
  }
  if (verbs.has('create')) {
    route({
      path: collection,
      method: 'post',
      action: 'post',
      description: `create${articleFor(kind)}${kind}`,
      query: WRITE_PARAMS,
      body: { schema: kindRef, required: true },
      responses: ok(kindRef, ['201', 'Created'], ['202', 'Accepted']),
      verb: 'create',
      rest: `${ns}${kind}`,
    });
  }
  if (verbs.has('deletecollection')) {
    route({
      path: collection,
      method: 'delete',
      action: 'deletecollection',
      description: `delete collection of ${kind}`,
      query: DELETECOLLECTION_PARAMS,
      body: deleteBody,
      responses: ok(statusRef),
      // kube names it `deletecollection…`; the verb trie then splits off `delete`
      verb: 'delete',
      rest: `collection${ns}${kind}`,
    });
  }
  if (verbs.has('get')) {
    route({
      path: item,
      method: 'get',
      action: 'get',
      description: `read the specified ${kind}`,
      query: [],
      responses: ok(kindRef),
      verb: 'read',
      rest: `${ns}${kind}`,
    });
  }
  if (verbs.has('update')) {
    route({
      path: item,
      method: 'put',
      action: 'put',
      description: `replace the specified ${kind}`,
      query: WRITE_PARAMS,
      body: { schema: kindRef, required: true },
      responses: ok(kindRef, ['201', 'Created']),
      verb: 'replace',
      rest: `${ns}${kind}`,
    });
  }
  if (verbs.has('patch')) {
    route({
      path: item,
      method: 'patch',
      action: 'patch',
      description: `partially update the specified ${kind}`,
      query: PATCH_PARAMS,
      body: { schema: ref(META_NAMES.patch), required: true },
      responses: ok(kindRef, ['201', 'Created']),
      consumes: ctx.patchTypes,
      verb: 'patch',
      rest: `${ns}${kind}`,
    });
  }
  if (verbs.has('delete')) {
    route({
      path: item,
      method: 'delete',
      action: 'delete',
      description: `delete${articleFor(kind)}${kind}`,
      query: DELETE_PARAMS,
      body: deleteBody,
      responses: ok(statusRef, ['202', 'Accepted']),
      verb: 'delete',
      rest: `${ns}${kind}`,
    });
  }
  for (const sub of resource.subresources) {
    routes.push(...subresourceRoutes(builder, ctx, gvk, item, ns, sub, roots));
  }
  return routes;
}

function subresourceRoutes(
  builder: ModelBuilder,
  ctx: ResourceContext,
  parent: GroupVersionKind,
  item: string,
  ns: string,
  sub: DiscoverySubresource,
  roots: Set<string>,
): Route[] {
  const subGvk: GroupVersionKind = {
    group: sub.group ?? parent.group,
    version: sub.version ?? parent.version,
    kind: sub.kind,
  };
  const schema = sameGvk(subGvk, parent)
    ? ref(builder.name(parent))
    : builder.subresourceSchema(subGvk);
  const target = typeof schema.$ref === 'string' ? definitionOf(schema.$ref) : undefined;
  if (target !== undefined) roots.add(target);
  const verbs = new Set(sub.verbs);
  const path = `${item}/${sub.name}`;
  const rest = `${ns}${parent.kind}${title(sub.name)}`;
  const kind = parent.kind;
  const base = {
    path,
    gvk: subGvk,
    tag: ctx.tag,
    nameOf: kind,
    produces: ctx.produces,
    consumes: ['*/*'],
  };
  const routes: Route[] = [];
  const ok = (...more: [string, string][]): RouteResponse[] => [
    { code: '200', description: 'OK', schema },
    ...more.map(([code, description]) => ({ code, description, schema })),
  ];
  if (verbs.has('get')) {
    routes.push({
      ...base,
      method: 'get',
      action: 'get',
      operationId: operationId('read', ctx.gv, rest),
      description: `read ${sub.name} of the specified ${kind}`,
      query: [],
      responses: ok(),
    });
  }
  if (verbs.has('create')) {
    routes.push({
      ...base,
      method: 'post',
      action: 'post',
      operationId: operationId('create', ctx.gv, rest),
      description: `create ${sub.name} of${articleFor(kind)}${kind}`,
      query: WRITE_PARAMS,
      body: { schema, required: true },
      responses: ok(['201', 'Created'], ['202', 'Accepted']),
    });
  }
  if (verbs.has('update')) {
    routes.push({
      ...base,
      method: 'put',
      action: 'put',
      operationId: operationId('replace', ctx.gv, rest),
      description: `replace ${sub.name} of the specified ${kind}`,
      query: WRITE_PARAMS,
      body: { schema, required: true },
      responses: ok(['201', 'Created']),
    });
  }
  if (verbs.has('patch')) {
    routes.push({
      ...base,
      method: 'patch',
      action: 'patch',
      operationId: operationId('patch', ctx.gv, rest),
      description: `partially update ${sub.name} of the specified ${kind}`,
      query: PATCH_PARAMS,
      body: { schema: ref(META_NAMES.patch), required: true },
      responses: ok(['201', 'Created']),
      consumes: ctx.patchTypes,
    });
  }
  if (verbs.has('delete')) {
    routes.push({
      ...base,
      method: 'delete',
      action: 'delete',
      operationId: operationId('delete', ctx.gv, rest),
      description: `delete ${sub.name} of${articleFor(kind)}${kind}`,
      query: DELETE_PARAMS,
      body: { schema: ref(META_NAMES.deleteOptions), required: false },
      responses: ok(['202', 'Accepted']),
    });
  }
  return routes;
}

/**
 * Builds the model of what `groups` serve, with kind schemas from `scheme`. Unknown kinds (not in
 * the scheme) are described as any object.
 */
export function buildOpenAPIModel(
  scheme: Scheme,
  groups: readonly DiscoveryGroup[],
  options: OpenAPIOptions = {},
): OpenAPIModel {
  const builder = new ModelBuilder(scheme, options);
  const produces = options.produces ?? DEFAULT_PRODUCES;
  const watchProduces = [
    ...produces,
    ...produces
      .filter((t) => t === 'application/json' || t === 'application/vnd.kubernetes.protobuf')
      .map((t) => `${t};stream=watch`),
  ];
  const patchTypes = options.patchTypes ?? DEFAULT_PATCH_TYPES;
  // reserve every kind's names first, so no hoisted local definition can take one
  for (const g of groups) {
    for (const gv of g.versions) {
      for (const r of gv.resources) {
        const m = r.mapping;
        builder.reserve(builder.name({ group: m.group, version: m.version, kind: m.kind }));
        builder.reserve(builder.name({ group: m.group, version: m.version, kind: m.listKind }));
      }
    }
  }
  const groupVersions: GroupVersionModel[] = [];
  for (const g of groups) {
    for (const dgv of g.versions) {
      const gv: GroupVersion = { group: dgv.group, version: dgv.version };
      const ctx: ResourceContext = {
        gv,
        prefix: `/${groupVersionPath(gv)}`,
        tag: operationTag(gv),
        produces,
        watchProduces,
        patchTypes,
      };
      const roots = new Set<string>();
      const routes = dgv.resources.flatMap((r) => resourceRoutes(builder, ctx, r, roots));
      for (const r of routes) {
        const refs = new Set<string>();
        if (r.body !== undefined) collectRefs(r.body.schema, refs);
        for (const resp of r.responses) collectRefs(resp.schema, refs);
        for (const name of refs) roots.add(name);
      }
      groupVersions.push({ gv, routes, roots });
    }
  }
  builder.finish(groupVersions.map((m) => m.gv));
  return {
    definitions: builder.definitions,
    groupVersions,
    title: options.title ?? 'Kubernetes',
    version: options.version ?? 'unversioned',
  };
}

/** The definitions reachable from `roots`, by name, sorted. */
function closure(model: OpenAPIModel, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const def = model.definitions.get(name);
    if (def === undefined) continue;
    seen.add(name);
    const refs = new Set<string>();
    collectRefs(def, refs);
    queue.push(...refs);
  }
  return [...seen].sort(cmp);
}

function pathParameters(route: Route): { name: string; description: string; query: boolean }[] {
  const out: { name: string; description: string; query: boolean }[] = [];
  if (route.path.includes('{name}')) {
    out.push({ name: 'name', description: `name of the ${route.nameOf}`, query: false });
  }
  if (route.path.includes('{namespace}')) {
    out.push({
      name: 'namespace',
      description: 'object name and auth scope, such as for teams and projects',
      query: false,
    });
  }
  out.push({ name: 'pretty', description: QUERY_PARAMETERS.pretty[1], query: true });
  return out;
}

function v2Parameter(
  name: string,
  description: string,
  type: string,
  where: 'query' | 'path',
): JsonObject {
  const out: JsonObject = { description, in: where, name, type, uniqueItems: true };
  if (where === 'path') out.required = true;
  return out;
}

function v2Operation(route: Route): JsonObject {
  const parameters: JsonObject[] = [];
  if (route.body !== undefined) {
    const body: JsonObject = { in: 'body', name: 'body', schema: toV2Schema(route.body.schema) };
    if (route.body.required) body.required = true;
    parameters.push(body);
  }
  for (const name of route.query) {
    const [type, description] = QUERY_PARAMETERS[name];
    parameters.push(v2Parameter(name, description, type, 'query'));
  }
  const responses: JsonObject = {};
  for (const r of route.responses) {
    responses[r.code] = { description: r.description, schema: toV2Schema(r.schema) };
  }
  responses['401'] = { description: 'Unauthorized' };
  const op: JsonObject = {
    consumes: [...route.consumes],
    description: route.description,
    operationId: route.operationId,
  };
  if (parameters.length > 0) op.parameters = parameters;
  op.produces = [...route.produces];
  op.responses = responses;
  op.schemes = ['https'];
  op.tags = [route.tag];
  op[ACTION_EXTENSION] = route.action;
  op[GVK_EXTENSION] = gvkValue(route.gvk);
  return op;
}

function v3Operation(route: Route): JsonObject {
  const parameters: JsonObject[] = route.query.map((name) => {
    const [type, description] = QUERY_PARAMETERS[name];
    return { description, in: 'query', name, schema: { type, uniqueItems: true } };
  });
  const op: JsonObject = { description: route.description, operationId: route.operationId };
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body !== undefined) {
    const schema = toV3Schema(route.body.schema);
    const types = route.method === 'patch' ? route.consumes : ['*/*'];
    const requestBody: JsonObject = {
      content: Object.fromEntries(types.map((t) => [t, { schema }])),
    };
    if (route.body.required) requestBody.required = true;
    op.requestBody = requestBody;
  }
  const responses: JsonObject = {};
  for (const r of route.responses) {
    const schema = toV3Schema(r.schema);
    responses[r.code] = {
      content: Object.fromEntries(route.produces.map((t) => [t, { schema }])),
      description: r.description,
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  op.responses = responses;
  op.tags = [route.tag];
  op[ACTION_EXTENSION] = route.action;
  op[GVK_EXTENSION] = gvkValue(route.gvk);
  return op;
}

const SECURITY_DESCRIPTION = 'Bearer Token authentication';

function pathsOf(
  routes: readonly Route[],
  operation: (r: Route) => JsonObject,
  parameter: (p: { name: string; description: string; query: boolean }) => JsonObject,
): Record<string, JsonObject> {
  const paths = new Map<string, JsonObject>();
  for (const r of routes) {
    let item = paths.get(r.path);
    if (item === undefined) {
      item = { parameters: pathParameters(r).map(parameter) };
      paths.set(r.path, item);
    }
    item[r.method] = operation(r);
  }
  return sortedObject([...paths].map(([p, item]) => [p, sortedObject(Object.entries(item))]));
}

/** Renders the model as one OpenAPI v2 (swagger 2.0) document covering every group version. */
export function renderOpenAPIV2(model: OpenAPIModel): SwaggerDocument {
  const routes = model.groupVersions.flatMap((m) => m.routes);
  const roots = model.groupVersions.flatMap((m) => [...m.roots]);
  const definitions: Record<string, JsonObject> = {};
  for (const name of closure(model, roots))
    definitions[name] = toV2Schema(model.definitions.get(name)!);
  return {
    swagger: '2.0',
    info: { title: model.title, version: model.version },
    paths: pathsOf(routes, v2Operation, (p) =>
      p.query
        ? v2Parameter(p.name, p.description, 'string', 'query')
        : v2Parameter(p.name, p.description, 'string', 'path'),
    ),
    definitions,
    securityDefinitions: {
      BearerToken: {
        description: SECURITY_DESCRIPTION,
        in: 'header',
        name: 'authorization',
        type: 'apiKey',
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/**
 * Renders the model as OpenAPI v3.0 documents, one per group version, keyed as the `/openapi/v3`
 * index keys them (`api/v1`, `apis/<group>/<version>`).
 */
export function renderOpenAPIV3(model: OpenAPIModel): Map<string, OpenAPIV3Document> {
  const out = new Map<string, OpenAPIV3Document>();
  for (const m of model.groupVersions) {
    const schemas: Record<string, JsonObject> = {};
    for (const name of closure(model, m.roots))
      schemas[name] = toV3Schema(model.definitions.get(name)!);
    out.set(groupVersionPath(m.gv), {
      openapi: '3.0.0',
      info: { title: model.title, version: model.version },
      paths: pathsOf(m.routes, v3Operation, (p) => {
        const param: JsonObject = {
          description: p.description,
          in: p.query ? 'query' : 'path',
          name: p.name,
          schema: { type: 'string', uniqueItems: true },
        };
        if (!p.query) param.required = true;
        return param;
      }),
      components: {
        schemas,
        securitySchemes: {
          BearerToken: {
            description: SECURITY_DESCRIPTION,
            in: 'header',
            name: 'authorization',
            type: 'apiKey',
          },
        },
      },
      security: [{ BearerToken: [] }],
    });
  }
  return out;
}

/**
 * The OpenAPI v2 (swagger 2.0) document of what `groups` serve, with kind schemas from `scheme`:
 * a definition per kind and list kind (kinds without a schema are any object), the meta
 * definitions they refer to, and a path per endpoint with an operation per verb.
 */
export function buildOpenAPIV2(
  scheme: Scheme,
  groups: readonly DiscoveryGroup[],
  options: OpenAPIOptions = {},
): SwaggerDocument {
  return renderOpenAPIV2(buildOpenAPIModel(scheme, groups, options));
}

/**
 * The OpenAPI v3.0 documents of what `groups` serve, one per group version, keyed as the
 * `/openapi/v3` index keys them (`api/v1`, `apis/<group>/<version>`); each carries the schemas its
 * endpoints refer to.
 */
export function buildOpenAPIV3(
  scheme: Scheme,
  groups: readonly DiscoveryGroup[],
  options: OpenAPIOptions = {},
): Map<string, OpenAPIV3Document> {
  return renderOpenAPIV3(buildOpenAPIModel(scheme, groups, options));
}
