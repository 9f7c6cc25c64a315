/**
 * The REST endpoints of every installed resource, and discovery: the API handler that
 * `buildHandlerChain()` wraps (as k8s.io/apiserver pkg/endpoints installer.go and handlers/).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiVersionOf,
  badRequest,
  deepCopyJson,
  discoveryTransforms,
  findOutputMediaType,
  isPrettyPrint,
  MEDIA_TYPE_JSON,
  methodNotSupported,
  notFound,
  parseApiVersion,
  parseSelectionPredicate,
  strictDecodingError,
  strictDecodingWarnings,
} from '@kapi/apimachinery';
import type {
  GroupVersionKind,
  KubeObject,
  NegotiatedOutput,
  ProtobufRegistry,
  Scheme,
  Status,
  WatchEvent,
} from '@kapi/apimachinery';
import { CachedStorage } from '@kapi/storage';
import type { CachedStorageOptions, Storage, StorageWatchEvent } from '@kapi/storage';
import type { Admission, AdmissionAttributes, AdmissionOperation } from '../admission.js';
import { Discovery } from '../discovery.js';
import type { DiscoveryGroup, DiscoveryResource } from '../discovery.js';
import type { RequestContext } from '../handler.js';
import type { RequestInfo } from '../request-info.js';
import type { WriteOptions } from '../registry/store.js';
import { defaultTableConvertor, rowObject, toTable } from '../table.js';
import type { IncludeObject } from '../table.js';
import { DEFAULT_MAX_REQUEST_BODY_BYTES, readBody } from './body.js';
import { decodeBody, negotiateResource, writeJsonList, writeObject } from './codec.js';
import { deleteQuery, listQuery, writeQuery } from './options.js';
import type { WriteQuery } from './options.js';
import { pruneUnknownFields } from './prune.js';
import { installResource } from './resource.js';
import { applyScale, checkScaleBody, getScale, patchScale, SCALE_GVK, scaleOf } from './scale.js';
import type { InstalledResource, ResourceConfig } from './resource.js';
import { serveWatch } from './watch.js';
import type { ServeWatchOptions } from './watch.js';
import {
  isWebsocketRequest,
  serveWatchWebsocket,
  websocketUpgradeOf,
} from '../serving/websocket.js';
import { notFoundPath } from './not-found.js';
import { applyPatch, compileMergeSchema, DEDUCED_SCHEMA } from '../patch/index.js';
import {
  defaultResetFields,
  fieldManagerOrUserAgent,
  updateManagedFields,
} from '../managedfields/index.js';
import type { MergeSchema } from '../patch/index.js';
import { requestURL } from '../request-url.js';

/** What the API handler serves. */
export interface APIOptions {
  scheme: Scheme;
  /** The storage every resource uses unless it names its own. */
  storage: Storage;
  resources: readonly ResourceConfig[];
  /** Protobuf messages of the kinds that speak protobuf (kubectl 1.32 sends core kinds in protobuf). */
  protobuf?: ProtobufRegistry;
  /** The admission chain; none means every write is admitted. */
  admission?: Admission;
  /** Largest request body (default 3 MiB, as kube). */
  maxRequestBodyBytes?: number;
  /**
   * Serve reads and watches of every resource from a watch cache over `storage` (as kube-apiserver
   * does): `true` for the defaults, or the cache's options. Default off.
   */
  watchCache?: boolean | Omit<CachedStorageOptions, 'prefix' | 'keyOf' | 'closeBackend'>;
  /** A watch without `timeoutSeconds` ends after a random time between this and twice this (default 1800 s, as kube). */
  minRequestTimeoutSeconds?: number;
}

function gr(resource: InstalledResource) {
  return { group: resource.group, resource: resource.resource };
}

/** Serves the resources of a scheme and their discovery. */
export class APIHandler {
  readonly discovery: Discovery;
  /** Installed resources by resource name, then group and version (no key to build per request). */
  private readonly routes = new Map<
    string,
    { group: string; version: string; r: InstalledResource }[]
  >();
  private readonly installed: InstalledResource[] = [];
  private readonly scheme: Scheme;
  private readonly protobuf: ProtobufRegistry | undefined;
  private readonly admission: Admission | undefined;
  private readonly maxBody: number;
  private readonly minTimeout: number;
  /** The groups as discovery and OpenAPI see them. */
  readonly groups: DiscoveryGroup[];
  private readonly mergeSchemas = new Map<string, MergeSchema | undefined>();

  constructor(options: APIOptions) {
    this.scheme = options.scheme;
    this.protobuf = options.protobuf;
    this.admission = options.admission;
    this.maxBody = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
    this.minTimeout = options.minRequestTimeoutSeconds ?? 1800;
    for (const config of options.resources) {
      const r = installResource(
        options.scheme,
        (keyRoot, own) => this.storageFor(options, keyRoot, own),
        config,
      );
      this.installed.push(r);
      let byName = this.routes.get(r.resource);
      if (byName === undefined) this.routes.set(r.resource, (byName = []));
      for (const version of r.versions) {
        // a later install of the same group, version and resource replaces the earlier one
        const same = byName.findIndex((c) => c.group === r.group && c.version === version);
        if (same === -1) byName.push({ group: r.group, version, r });
        else byName[same] = { group: r.group, version, r };
      }
    }
    this.groups = this.discoveryGroups();
    this.discovery = new Discovery(this.groups);
  }

  private readonly caches: CachedStorage[] = [];

  private storageFor(options: APIOptions, keyRoot: string, own: Storage | undefined): Storage {
    const backend = own ?? options.storage;
    if (options.watchCache === undefined || options.watchCache === false) return backend;
    const cache = new CachedStorage(backend, {
      ...(options.watchCache === true ? {} : options.watchCache),
      prefix: keyRoot,
    });
    this.caches.push(cache);
    return cache;
  }

  /** Closes the watch caches (the storage itself belongs to the host). */
  async close(): Promise<void> {
    await Promise.all(this.caches.map((c) => c.close()));
  }

  /** The installed resources. */
  resources(): readonly InstalledResource[] {
    return this.installed;
  }

  private discoveryGroups(): DiscoveryGroup[] {
    const groups: DiscoveryGroup[] = [];
    for (const group of this.scheme.groups()) {
      const versions = [];
      for (const version of this.scheme.versions(group)) {
        const resources: DiscoveryResource[] = this.installed
          .filter((r) => r.group === group && r.mappings.has(version))
          .map((r) => ({
            mapping: r.mappings.get(version)!,
            verbs: [...r.verbs].sort(),
            subresources: [
              ...(r.statusSubresource
                ? [{ name: 'status', kind: r.kind, verbs: ['get', 'patch', 'update'] }]
                : []),
              ...(r.scaleSubresource
                ? [{ name: 'scale', ...SCALE_GVK, verbs: ['get', 'patch', 'update'] }]
                : []),
            ],
            storageVersion: r.storageVersion,
          }));
        if (resources.length > 0) versions.push({ group, version, resources });
      }
      if (versions.length > 0) groups.push({ name: group, versions });
    }
    return groups;
  }

  /**
   * Serves `/api`, `/apis` and everything below them. Resolves false for other paths, so a mux can
   * go on; an unknown API path is kube's 404 Status.
   */
  async serve(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<boolean> {
    const info = ctx.requestInfo;
    const path = info?.path ?? requestURL(req).pathname;
    if (!(
      path === '/api' ||
      path === '/apis' ||
      path.startsWith('/api/') ||
      path.startsWith('/apis/')
    ))
      return false;
    if (info === undefined || !info.isResourceRequest) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw notFoundPath();
      const accept = req.headers.accept;
      const aggregated = findOutputMediaType(accept, { allowsTransform: discoveryTransforms });
      const version =
        aggregated?.target?.kind === 'APIGroupDiscoveryList' &&
        aggregated.target.group === 'apidiscovery.k8s.io'
          ? (aggregated.target.version as 'v2' | 'v2beta1')
          : undefined;
      if (this.discovery.serve(req, res, path, version)) return true;
      throw notFoundPath();
    }
    const resource = this.route(info.apiGroup, info.apiVersion, info.resource);
    if (resource === undefined) throw notFoundPath();
    // a cluster-scoped resource reached through a namespace path does not exist (CVE-2019-11247)
    if (!resource.namespaced && info.namespace !== '' && !(info.resource === 'namespaces'))
      throw notFoundPath();
    if (resource.namespaced && info.namespace === '' && info.name !== '') throw notFoundPath();
    if (
      info.subresource !== '' &&
      !(info.subresource === 'status' && resource.statusSubresource) &&
      !(info.subresource === 'scale' && resource.scaleSubresource !== undefined)
    )
      throw notFoundPath();
    await this.dispatch(req, res, ctx, info, resource);
    return true;
  }

  private route(group: string, version: string, name: string): InstalledResource | undefined {
    const candidates = this.routes.get(name);
    if (candidates === undefined) return undefined;
    for (const c of candidates) if (c.group === group && c.version === version) return c.r;
    return undefined;
  }

  /** Hands the request to its verb's handler; its promise passes straight through (no async frame). */
  private dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
  ): Promise<void> {
    const query = requestURL(req).searchParams;
    const verb = info.verb as Parameters<InstalledResource['verbs']['has']>[0];
    const allowed =
      info.subresource === 'status' || info.subresource === 'scale'
        ? ['get', 'update', 'patch'].includes(verb)
        : resource.verbs.has(verb);
    if (!allowed) {
      if (
        info.namespace === '' &&
        resource.namespaced &&
        (verb === 'create' || verb === 'deletecollection')
      )
        throw notFoundPath();
      throw methodNotSupported(gr(resource), verb);
    }
    if (
      resource.namespaced &&
      info.namespace === '' &&
      (verb === 'create' || verb === 'deletecollection')
    )
      throw notFoundPath();
    if (info.subresource === 'scale') return this.scale(req, res, ctx, info, resource, query);
    switch (verb) {
      case 'get':
        return this.get(req, res, ctx, info, resource, query);
      case 'list':
      case 'watch':
        return this.listOrWatch(req, res, ctx, info, resource, query, verb === 'watch');
      case 'create':
        return this.create(req, res, ctx, info, resource, query);
      case 'update':
        return this.update(req, res, ctx, info, resource, query);
      case 'patch':
        return this.patch(req, res, ctx, info, resource, query);
      case 'delete':
        return this.delete(req, res, ctx, info, resource, query);
      case 'deletecollection':
        return this.deleteCollection(req, res, ctx, info, resource, query);
    }
    throw methodNotSupported(gr(resource), verb);
  }

  private gvk(resource: InstalledResource, version: string): GroupVersionKind {
    return { group: resource.group, version, kind: resource.kind };
  }

  /** Converts a stored object to the request's version, with apiVersion and kind set. */
  private toVersion(obj: KubeObject, resource: InstalledResource, version: string): KubeObject {
    const apiVersion = apiVersionOf({ group: resource.group, version });
    if (obj.apiVersion === apiVersion && obj.kind === resource.kind) return obj;
    if (obj.apiVersion === undefined || obj.kind === undefined) {
      return { ...obj, apiVersion, kind: resource.kind };
    }
    return this.scheme.convert(obj, { group: resource.group, version });
  }

  private toStorage(obj: KubeObject, resource: InstalledResource): KubeObject {
    return this.toVersion(obj, resource, resource.storageVersion);
  }

  private output(
    req: IncomingMessage,
    resource: InstalledResource,
    version: string,
    stream = false,
  ): NegotiatedOutput {
    const protobuf = this.speaksProtobuf(resource, version);
    // clients send the same few Accept headers over and over: remember what each negotiated to
    const key = `${protobuf ? 'p' : '-'}${stream ? 's' : '-'}${req.headers.accept ?? ''}`;
    let output = this.outputs.get(key);
    if (output === undefined) {
      output = negotiateResource(req, { stream, table: true, protobuf });
      // a bound, as Accept headers are the client's to choose
      if (this.outputs.size >= 256) this.outputs.clear();
      this.outputs.set(key, output);
    }
    return output;
  }

  private readonly outputs = new Map<string, NegotiatedOutput>();
  /** Whether this version of the resource has a protobuf message (hosts may register more later). */
  private speaksProtobuf(resource: InstalledResource, version: string): boolean {
    return this.protobuf?.hasKind(this.gvk(resource, version)) === true;
  }

  /** Shapes an object for the client: the object, a PartialObjectMetadata, or a one-row Table. */
  private present(
    obj: KubeObject,
    resource: InstalledResource,
    version: string,
    output: NegotiatedOutput,
    include: IncludeObject,
  ): KubeObject {
    const versioned = this.toVersion(obj, resource, version);
    const target = output.target;
    if (target === null) return versioned;
    if (target.kind === 'Table') {
      return toTable(
        resource.table,
        [versioned],
        { resourceVersion: versioned.metadata?.resourceVersion ?? '' },
        include,
      ) as unknown as KubeObject;
    }
    return {
      ...(rowObject(versioned, 'Metadata') as KubeObject),
      apiVersion: apiVersionOf(target),
    };
  }

  private respond(
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    obj: KubeObject | Status,
    output: NegotiatedOutput,
    frozen = false,
  ): Promise<void> | undefined {
    return writeObject(res, code, obj, output, this.protobuf, this.pretty(req), frozen);
  }

  /** Whether the client asked for indented JSON besides the media type (`?pretty=`, curl, browsers). */
  private pretty(req: IncomingMessage): boolean {
    return isPrettyPrint(requestURL(req).searchParams, req.headers['user-agent'] ?? '');
  }

  private includeObject(query: URLSearchParams): IncludeObject {
    const v = query.get('includeObject');
    if (v === null || v === '') return 'Metadata';
    if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
    throw badRequest(
      `includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "Metadata", "None", "Object"`,
    );
  }

  // ---- reads -----------------------------------------------------------------------------------

  private async get(
    req: IncomingMessage,
    res: ServerResponse,
    _ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const output = this.output(req, resource, info.apiVersion);
    const rv = query.get('resourceVersion') ?? undefined;
    // the object as it is goes straight to the encoder, which only reads it: a storage that keeps
    // decoded objects may hand out its own (Table printers are host code, so they get a copy)
    const obj = await resource.store.get(info.namespace, info.name, rv === '' ? undefined : rv, {
      shared: output.target === null,
    });
    const presented = this.present(
      obj,
      resource,
      info.apiVersion,
      output,
      this.includeObject(query),
    );
    // a shared read is deep-frozen, so its encoding can be kept with it
    const writing = this.respond(
      req,
      res,
      200,
      presented,
      output,
      presented === obj && Object.isFrozen(obj),
    );
    if (writing !== undefined) await writing;
  }

  private async listOrWatch(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
    isWatch: boolean,
  ) {
    const opts = listQuery(query, isWatch);
    const predicate = parseSelectionPredicate(
      { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
      { getAttrs: resource.getAttrs, fieldLabelConversion: resource.fieldLabelConversion },
    );
    const include = this.includeObject(query);
    const version = info.apiVersion;
    if (isWatch) {
      const output = this.output(req, resource, version, true);
      const watcher = resource.store.watch(info.namespace, {
        predicate,
        ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
        allowBookmarks: opts.allowWatchBookmarks,
        ...(opts.sendInitialEvents !== undefined
          ? { sendInitialEvents: opts.sendInitialEvents }
          : {}),
        ...(info.name !== '' ? { name: info.name } : {}),
      });
      const timeoutSeconds = opts.timeoutSeconds ?? this.minTimeout * (1 + Math.random());
      const transform = (
        event: StorageWatchEvent,
        first: boolean,
      ): WatchEvent<KubeObject | Status> => {
        if (event.type === 'ERROR') return { type: 'ERROR', object: event.object };
        if (event.type === 'BOOKMARK') {
          const bookmark = {
            apiVersion: apiVersionOf({ group: resource.group, version }),
            kind: resource.kind,
            metadata: event.object.metadata ?? {},
          } as KubeObject;
          return {
            type: 'BOOKMARK',
            object: bookmark,
          };
        }
        const versioned = this.toVersion(event.object, resource, version);
        if (output.target?.kind === 'Table') {
          const table = toTable(
            resource.table,
            [versioned],
            { resourceVersion: versioned.metadata?.resourceVersion ?? '' },
            include,
            first,
          );
          return { type: event.type, object: table as unknown as KubeObject };
        }
        if (output.target !== null) {
          return {
            type: event.type,
            object: {
              ...(rowObject(versioned, 'Metadata') as KubeObject),
              apiVersion: apiVersionOf(output.target),
            },
          };
        }
        return { type: event.type, object: versioned };
      };
      const watchOptions: ServeWatchOptions = {
        watcher,
        output,
        transform,
        protobuf: this.protobuf,
        signals: [ctx.signal, ctx.shutdown],
        timeoutMs: timeoutSeconds * 1000,
      };
      // as kube: a watch that arrives as a websocket upgrade is served over the websocket
      const upgrade = websocketUpgradeOf(req);
      await (upgrade && isWebsocketRequest(req)
        ? serveWatchWebsocket(req, upgrade, watchOptions)
        : serveWatch(res, watchOptions));
      return;
    }
    const output = this.output(req, resource, version);
    const result = await resource.store.list(info.namespace, {
      predicate,
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
      ...(opts.resourceVersionMatch !== undefined
        ? { resourceVersionMatch: opts.resourceVersionMatch }
        : {}),
      ...(opts.limit > 0 ? { limit: opts.limit } : {}),
      ...(opts.continue !== undefined ? { continue: opts.continue } : {}),
      ...(info.name !== '' ? { name: info.name } : {}),
      signal: ctx.signal,
      // items go straight to the encoder, which only reads them (Table printers get copies)
      shared: output.target === null,
    });
    const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continue !== undefined && result.continue !== '') meta.continue = result.continue;
    if (result.remainingItemCount !== undefined)
      meta.remainingItemCount = result.remainingItemCount;
    const items = result.items.map((o) => this.toVersion(o, resource, version));
    let body: KubeObject;
    if (output.target?.kind === 'Table') {
      body = toTable(resource.table, items, meta, include) as unknown as KubeObject;
    } else if (output.target !== null) {
      body = {
        kind: 'PartialObjectMetadataList',
        apiVersion: apiVersionOf(output.target),
        metadata: meta,
        items: items.map((o) => ({
          ...(rowObject(o, 'Metadata') as KubeObject),
          apiVersion: apiVersionOf(output.target!),
        })),
      };
    } else {
      const list = {
        kind: resource.listKind,
        apiVersion: apiVersionOf({ group: resource.group, version }),
        metadata: meta,
        items,
      };
      if (output.mediaType === MEDIA_TYPE_JSON && !output.pretty && !this.pretty(req)) {
        writeJsonList(res, 200, list);
        return;
      }
      body = list;
    }
    await this.respond(req, res, 200, body, output);
  }

  // ---- the scale subresource ------------------------------------------------------------------

  /** GET, PUT and PATCH of `/scale`: an autoscaling/v1 Scale over the declared replica fields. */
  private async scale(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ): Promise<void> {
    const config = resource.scaleSubresource!;
    const version = info.apiVersion;
    const output = negotiateResource(req, { table: true, protobuf: false });
    const send = async (code: number, scale: KubeObject) => {
      let body = scale;
      if (output.target?.kind === 'Table') {
        const meta = { resourceVersion: scale.metadata?.resourceVersion ?? '' };
        body = toTable(defaultTableConvertor, [scale], meta, this.includeObject(query)) as never;
      } else if (output.target !== null) {
        body = { ...rowObject(scale, 'Metadata'), apiVersion: apiVersionOf(output.target) };
      }
      await this.respond(req, res, code, body, output);
    };
    if (info.verb === 'get') {
      const rv = query.get('resourceVersion') ?? '';
      const obj = await resource.store.get(info.namespace, info.name, rv === '' ? undefined : rv);
      return send(200, getScale(this.toVersion(obj, resource, version), config));
    }
    const isPatch = info.verb === 'patch';
    const wq = writeQuery(query, isPatch ? 'PatchOptions' : 'UpdateOptions');
    const body = await readBody(req, this.maxBody, ctx.signal);
    const admitScale = (scale: KubeObject, strictErrors: string[]) => {
      const unknown = checkScaleBody(scale, info.name);
      const problems = [
        ...strictErrors,
        ...unknown.map((f) => `unknown field ${JSON.stringify(f)}`),
      ];
      if (problems.length > 0 && wq.fieldValidation === 'Strict')
        throw strictDecodingError(problems);
      if (problems.length > 0 && wq.fieldValidation === 'Warn')
        ctx.warnings.push(...strictDecodingWarnings(problems));
      this.checkName(scale, info);
    };
    let input: KubeObject | undefined;
    if (!isPatch) {
      const decoded = await decodeBody(req, body, SCALE_GVK, {
        strict: wq.fieldValidation !== 'Ignore',
        protobuf: this.protobuf,
      });
      admitScale(decoded.object, decoded.strictErrors);
      input = decoded.object;
    }
    const { object } = await resource.store.update(
      info.name,
      (current) => {
        if (current === undefined) throw notFound(gr(resource), info.name);
        const versioned = this.toVersion(current, resource, version);
        let scale = input;
        if (scale === undefined) {
          const patched = patchScale(
            versioned,
            config,
            req.headers['content-type'] ?? '',
            body,
            wq.fieldValidation,
          );
          admitScale(patched.scale, patched.strictErrors);
          scale = patched.scale;
        }
        return this.toStorage(applyScale(versioned, scale, config), resource);
      },
      this.writeOptions(req, ctx, info, resource, wq, 'UPDATE'),
    );
    await send(200, scaleOf(this.toVersion(object, resource, version), config).scale);
  }

  // ---- writes ----------------------------------------------------------------------------------

  private writeOptions(
    req: IncomingMessage,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    wq: WriteQuery,
    operation: AdmissionOperation,
  ): WriteOptions {
    const version = info.apiVersion;
    const attrs = (
      obj: KubeObject | undefined,
      old: KubeObject | undefined,
    ): AdmissionAttributes => ({
      operation: obj !== undefined && old === undefined ? 'CREATE' : operation,
      object: obj,
      oldObject: old,
      kind: this.gvk(resource, resource.storageVersion),
      resource: { group: resource.group, version, resource: resource.resource },
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name || (obj?.metadata?.name ?? ''),
      user: ctx.user,
      dryRun: wq.dryRun,
    });
    const admission = this.admission;
    const storageGvk = this.gvk(resource, resource.storageVersion);
    const options: WriteOptions = {
      dryRun: wq.dryRun,
      context: {
        namespace: info.namespace,
        subresource: info.subresource,
        ...(ctx.user ? { user: ctx.user } : {}),
      },
      schemaValidate: (obj) => this.scheme.validateSchema(storageGvk, obj),
      warn: (message) => ctx.warnings.push(message),
    };
    if (operation !== 'DELETE') {
      const manager = fieldManagerOrUserAgent(wq.fieldManager, req.headers['user-agent']);
      options.trackManagedFields = (obj, old) => {
        this.trackManagedFields(obj, old, resource, version, info.subresource, manager);
      };
    }
    if (admission?.mutate) {
      const mutate = admission.mutate.bind(admission);
      options.mutate = (obj, old) => mutate(attrs(obj, old));
    }
    if (admission?.validate) {
      const validate = admission.validate.bind(admission);
      options.validate = (obj, old) => validate(attrs(obj, old));
    }
    return options;
  }

  /** Decodes, prunes unknown fields per fieldValidation, defaults and converts a write's body to storage. */
  private async readObject(
    req: IncomingMessage,
    ctx: RequestContext,
    resource: InstalledResource,
    version: string,
    wq: WriteQuery,
  ): Promise<KubeObject> {
    const body = await readBody(req, this.maxBody, ctx.signal);
    const strict = wq.fieldValidation !== 'Ignore';
    const decoded = await decodeBody(req, body, this.gvk(resource, version), {
      strict,
      protobuf: this.protobuf,
    });
    return this.admitFields(decoded.object, decoded.strictErrors, resource, ctx, wq);
  }

  /** Drops unknown fields (reporting them as fieldValidation asks), defaults, converts to storage. */
  private admitFields(
    obj: KubeObject,
    strictErrors: string[],
    resource: InstalledResource,
    ctx: RequestContext,
    wq: WriteQuery,
  ): KubeObject {
    const bodyVersion = parseApiVersion(obj.apiVersion ?? '').version;
    const schema = this.scheme.schema({
      group: resource.group,
      version: bodyVersion,
      kind: resource.kind,
    });
    const unknown = schema === undefined ? [] : pruneUnknownFields(obj, schema);
    const problems = [...strictErrors, ...unknown.map((f) => `unknown field ${JSON.stringify(f)}`)];
    if (problems.length > 0) {
      if (wq.fieldValidation === 'Strict') throw strictDecodingError(problems);
      if (wq.fieldValidation === 'Warn') ctx.warnings.push(...strictDecodingWarnings(problems));
    }
    return this.toStorage(this.scheme.default(obj), resource);
  }

  private async create(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const wq = writeQuery(query, 'CreateOptions');
    const output = this.output(req, resource, info.apiVersion);
    const obj = await this.readObject(req, ctx, resource, info.apiVersion, wq);
    const created = await resource.store.create(
      obj,
      this.writeOptions(req, ctx, info, resource, wq, 'CREATE'),
    );
    await this.respond(
      req,
      res,
      201,
      this.present(created, resource, info.apiVersion, output, 'Metadata'),
      output,
    );
  }

  private checkName(obj: KubeObject, info: RequestInfo): void {
    const ns = obj.metadata?.namespace ?? '';
    if (ns !== '' && info.namespace !== '' && ns !== info.namespace) {
      throw badRequest(
        `the namespace of the object (${ns}) does not match the namespace on the request (${info.namespace})`,
      );
    }
    const name = obj.metadata?.name ?? '';
    if (name !== info.name) {
      throw badRequest(
        `the name of the object (${name}) does not match the name on the URL (${info.name})`,
      );
    }
  }

  private async update(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const wq = writeQuery(query, 'UpdateOptions');
    const output = this.output(req, resource, info.apiVersion);
    const obj = await this.readObject(req, ctx, resource, info.apiVersion, wq);
    this.checkName(obj, info);
    const { object, created } = await resource.store.update(
      info.name,
      () => deepCopyJson(obj),
      this.writeOptions(req, ctx, info, resource, wq, 'UPDATE'),
    );
    await this.respond(
      req,
      res,
      created ? 201 : 200,
      this.present(object, resource, info.apiVersion, output, 'Metadata'),
      output,
    );
  }

  private async patch(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const wq = writeQuery(query, 'PatchOptions');
    const output = this.output(req, resource, info.apiVersion);
    const body = await readBody(req, this.maxBody, ctx.signal);
    const version = info.apiVersion;
    const { object } = await resource.store.update(
      info.name,
      (current) => {
        if (current === undefined) throw notFound(gr(resource), info.name);
        const versioned = this.toVersion(current, resource, version);
        const { object: patched, strictErrors } = applyPatch(
          req.headers['content-type'] ?? '',
          versioned,
          body,
          this.mergeSchema(resource, version),
          { fieldValidation: wq.fieldValidation },
        );
        if (patched.apiVersion !== versioned.apiVersion || patched.kind !== versioned.kind) {
          throw badRequest('the patch changed apiVersion or kind, which a patch may not do');
        }
        this.checkName(patched, info);
        return this.admitFields(patched, strictErrors, resource, ctx, wq);
      },
      this.writeOptions(req, ctx, info, resource, wq, 'UPDATE'),
    );
    await this.respond(
      req,
      res,
      200,
      this.present(object, resource, version, output, 'Metadata'),
      output,
    );
  }

  /**
   * Records the write in metadata.managedFields (an Update entry for `manager`), computed at the
   * request's version and carried onto the stored object.
   */
  private trackManagedFields(
    obj: KubeObject,
    old: KubeObject | undefined,
    resource: InstalledResource,
    version: string,
    subresource: string,
    manager: string,
  ): void {
    const updated = updateManagedFields({
      live: old === undefined ? undefined : this.toVersion(old, resource, version),
      updated: this.toVersion(obj, resource, version),
      manager,
      apiVersion: apiVersionOf({ group: resource.group, version }),
      subresource,
      now: new Date(),
      mergeSchema: this.mergeSchema(resource, version) ?? DEDUCED_SCHEMA,
      resetFields: defaultResetFields(subresource, resource.statusSubresource),
      otherVersion: (apiVersion) => {
        const other = parseApiVersion(apiVersion);
        if (other.group !== resource.group || !resource.mappings.has(other.version))
          return undefined;
        const schema = this.mergeSchema(resource, other.version) ?? DEDUCED_SCHEMA;
        return {
          schema,
          convert: (o) => this.toVersion(o, resource, other.version),
          resetFields: defaultResetFields(subresource, resource.statusSubresource),
        };
      },
    });
    const managedFields = updated.metadata?.managedFields;
    const meta = (obj.metadata ??= {});
    if (managedFields === undefined || managedFields.length === 0) delete meta.managedFields;
    else meta.managedFields = managedFields;
  }

  /** The merge schema of a resource at a version, compiled once from its registered schema. */
  private mergeSchema(resource: InstalledResource, version: string): MergeSchema | undefined {
    const key = `${resource.group}/${version}/${resource.kind}`;
    if (!this.mergeSchemas.has(key)) {
      const schema = this.scheme.schema({ group: resource.group, version, kind: resource.kind });
      this.mergeSchemas.set(key, schema === undefined ? undefined : compileMergeSchema(schema));
    }
    return this.mergeSchemas.get(key);
  }

  private async readDeleteBody(
    req: IncomingMessage,
    ctx: RequestContext,
  ): Promise<Record<string, unknown> | undefined> {
    const body = await readBody(req, this.maxBody, ctx.signal);
    if (body.length === 0) return undefined;
    const decoded = await decodeBody(
      req,
      body,
      { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' },
      { strict: false, protobuf: undefined },
    ).catch(async () => {
      // clients send DeleteOptions as v1 (core) too
      return decodeBody(
        req,
        body,
        { group: '', version: 'v1', kind: 'DeleteOptions' },
        { strict: false, protobuf: undefined },
      );
    });
    return decoded.object;
  }

  private async delete(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const output = this.output(req, resource, info.apiVersion);
    const dq = deleteQuery(query, await this.readDeleteBody(req, ctx));
    const wq: WriteQuery = {
      dryRun: dq.dryRun,
      fieldManager: undefined,
      fieldValidation: 'Ignore',
      force: false,
      pretty: false,
    };
    const { result, deleted } = await resource.store.delete(info.name, {
      ...this.writeOptions(req, ctx, info, resource, wq, 'DELETE'),
      ...(dq.preconditions ? { preconditions: dq.preconditions } : {}),
    });
    const code = !deleted && dq.orphanDependents === false ? 202 : 200;
    const body =
      result.kind === 'Status'
        ? result
        : this.present(result as KubeObject, resource, info.apiVersion, output, 'Metadata');
    await this.respond(req, res, code, body, output);
  }

  private async deleteCollection(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    info: RequestInfo,
    resource: InstalledResource,
    query: URLSearchParams,
  ) {
    const output = this.output(req, resource, info.apiVersion);
    const lq = listQuery(query, false);
    const predicate = parseSelectionPredicate(
      { labelSelector: lq.labelSelector, fieldSelector: lq.fieldSelector },
      { getAttrs: resource.getAttrs, fieldLabelConversion: resource.fieldLabelConversion },
    );
    const dq = deleteQuery(query, await this.readDeleteBody(req, ctx));
    const wq: WriteQuery = {
      dryRun: dq.dryRun,
      fieldManager: undefined,
      fieldValidation: 'Ignore',
      force: false,
      pretty: false,
    };
    const deleted = await resource.store.deleteCollection(
      { predicate },
      {
        ...this.writeOptions(req, ctx, info, resource, wq, 'DELETE'),
        ...(dq.preconditions ? { preconditions: dq.preconditions } : {}),
      },
    );
    const version = info.apiVersion;
    await this.respond(
      req,
      res,
      200,
      {
        kind: resource.listKind,
        apiVersion: apiVersionOf({ group: resource.group, version }),
        metadata: {},
        items: deleted.map((o) => this.toVersion(o, resource, version)),
      },
      output,
    );
  }
}
