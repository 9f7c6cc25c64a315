/**
 * Discovery: `/api`, `/apis`, `/apis/<group>`, `/api/v1`, `/apis/<group>/<version>` as kube shapes
 * them, and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1), which kubectl 1.27+ asks
 * for and silently ignores unless the response echoes the exact media type it asked for.
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf } from '@kapi/apimachinery';
import type {
  APIGroup,
  APIGroupList,
  APIResource,
  APIResourceList,
  APIVersions,
  GroupVersion,
  ResourceMapping,
} from '@kapi/apimachinery';

/** A subresource as discovery lists it. */
export interface DiscoverySubresource {
  /** e.g. `status`, `scale`, `token`. */
  name: string;
  /** The kind the subresource speaks, with its group and version when they differ from the parent's. */
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** One served resource at one group version. */
export interface DiscoveryResource {
  mapping: ResourceMapping;
  verbs: string[];
  subresources: DiscoverySubresource[];
  /** The version objects are stored at, for storageVersionHash. */
  storageVersion: string;
}

/** One served group version and its resources. */
export interface DiscoveryGroupVersion extends GroupVersion {
  resources: DiscoveryResource[];
}

/** A group with its versions, most preferred first. */
export interface DiscoveryGroup {
  name: string;
  versions: DiscoveryGroupVersion[];
}

/**
 * kube's storageVersionHash: the first 8 bytes of sha256 over `group/version/kind` of the storage
 * version, base64 (k8s.io/apiserver pkg/endpoints/discovery storageversionhash.go).
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256')
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

function apiResources(gv: DiscoveryGroupVersion): APIResource[] {
  const out: APIResource[] = [];
  for (const r of gv.resources) {
    const m = r.mapping;
    const main: APIResource = {
      name: m.resource,
      singularName: m.singular,
      namespaced: m.namespaced,
      kind: m.kind,
      verbs: r.verbs,
    };
    if (m.shortNames.length > 0) main.shortNames = [...m.shortNames];
    if (m.categories.length > 0) main.categories = [...m.categories];
    main.storageVersionHash = storageVersionHash(m.group, r.storageVersion, m.kind);
    out.push(main);
    for (const sub of r.subresources) {
      const entry: APIResource = {
        name: `${m.resource}/${sub.name}`,
        singularName: '',
        namespaced: m.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      };
      if (sub.group !== undefined) entry.group = sub.group;
      if (sub.version !== undefined) entry.version = sub.version;
      out.push(entry);
    }
  }
  return out;
}

/** The media type kubectl asks aggregated discovery with, per version. */
export const aggregatedDiscoveryMediaTypes = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
} as const;

function aggregatedGroup(group: DiscoveryGroup): Record<string, unknown> {
  return {
    metadata: { name: group.name, creationTimestamp: null },
    versions: group.versions.map((gv) => ({
      version: gv.version,
      resources: gv.resources.map((r) => {
        const m = r.mapping;
        const entry: Record<string, unknown> = {
          resource: m.resource,
          responseKind: { group: m.group, version: m.version, kind: m.kind },
          scope: m.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: m.singular,
          verbs: r.verbs,
        };
        if (m.shortNames.length > 0) entry.shortNames = [...m.shortNames];
        if (m.categories.length > 0) entry.categories = [...m.categories];
        if (r.subresources.length > 0) {
          entry.subresources = r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: {
              group: s.group ?? m.group,
              version: s.version ?? m.version,
              kind: s.kind,
            },
            verbs: s.verbs,
          }));
        }
        return entry;
      }),
      freshness: 'Current',
    })),
  };
}

/** A discovery body, encoded once, with its ETag. */
interface Document {
  body: Buffer;
  etag: string;
}

function documentOf(value: unknown): Document {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

/** The discovery documents of a set of groups, computed once. */
export class Discovery {
  private readonly docs = new Map<string, Document>();

  /** `groups` in preference order; the core group is named `''`. */
  constructor(groups: readonly DiscoveryGroup[]) {
    const core = groups.find((g) => g.name === '');
    const named = groups.filter((g) => g.name !== '');
    const apiVersions: APIVersions = {
      kind: 'APIVersions',
      versions: core?.versions.map((v) => v.version) ?? [],
      serverAddressByClientCIDRs: [],
    };
    this.docs.set('/api', documentOf(apiVersions));
    const apiGroup = (g: DiscoveryGroup): APIGroup => {
      const versions = g.versions.map((v) => ({
        groupVersion: apiVersionOf(v),
        version: v.version,
      }));
      return { name: g.name, versions, preferredVersion: versions[0]! };
    };
    const groupList: APIGroupList = {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: named.map(apiGroup),
    };
    this.docs.set('/apis', documentOf(groupList));
    for (const g of named)
      this.docs.set(
        `/apis/${g.name}`,
        documentOf({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) }),
      );
    for (const g of groups) {
      for (const gv of g.versions) {
        const list: APIResourceList = {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: apiVersionOf(gv),
          resources: apiResources(gv),
        };
        this.docs.set(
          g.name === '' ? `/api/${gv.version}` : `/apis/${g.name}/${gv.version}`,
          documentOf(list),
        );
      }
    }
    for (const [version, apiVersion] of [
      ['v2', 'apidiscovery.k8s.io/v2'],
      ['v2beta1', 'apidiscovery.k8s.io/v2beta1'],
    ] as const) {
      this.docs.set(
        `aggregated:${version}:/api`,
        documentOf({
          kind: 'APIGroupDiscoveryList',
          apiVersion,
          metadata: {},
          items: core ? [aggregatedGroup(core)] : [],
        }),
      );
      this.docs.set(
        `aggregated:${version}:/apis`,
        documentOf({
          kind: 'APIGroupDiscoveryList',
          apiVersion,
          metadata: {},
          items: named.map(aggregatedGroup),
        }),
      );
    }
  }

  /**
   * Serves a discovery path; returns false when the path is not a discovery document. `aggregated`
   * is the aggregated-discovery version the client accepts (from content negotiation), if any.
   */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    aggregated?: 'v2' | 'v2beta1',
  ): boolean {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const useAggregated = aggregated !== undefined && (trimmed === '/api' || trimmed === '/apis');
    const doc = this.docs.get(useAggregated ? `aggregated:${aggregated}:${trimmed}` : trimmed);
    if (doc === undefined) return false;
    const contentType = useAggregated
      ? aggregatedDiscoveryMediaTypes[aggregated]
      : 'application/json';
    const headers = { 'Content-Type': contentType, ETag: doc.etag, Vary: 'Accept' };
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': doc.body.length });
    res.end(req.method === 'HEAD' ? undefined : doc.body);
    return true;
  }
}
