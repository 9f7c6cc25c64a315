/**
 * Parsing a request into Kubernetes terms: resource or non-resource, verb, group, version,
 * namespace, resource, name, subresource (as k8s.io/apiserver pkg/endpoints/request/requestinfo.go).
 * @module
 */
import { parseFieldSelector } from '@kapi/apimachinery';

/** What a request is about, in Kubernetes terms. */
export interface RequestInfo {
  /** True for requests to an API resource or subresource. */
  isResourceRequest: boolean;
  /** The URL path, without the query. */
  path: string;
  /**
   * For resource requests the Kubernetes verb (`get`, `list`, `watch`, `create`, `update`,
   * `patch`, `delete`, `deletecollection`, `proxy`); otherwise the lower-case HTTP method.
   */
  verb: string;
  /** `api` or `apis` (or a host's own prefix). */
  apiPrefix: string;
  /** The API group, `''` for the core group. */
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  /** The resource (plural), e.g. `configmaps`. */
  resource: string;
  /** The subresource, e.g. `status`. */
  subresource: string;
  name: string;
  /** The path parts from the resource on: `[resource, name, subresource, …]`. */
  parts: string[];
}

/** Which path prefixes hold resources. */
export interface RequestInfoOptions {
  /** Prefixes followed by `<group>/<version>` (default `['apis']`). */
  groupedPrefixes?: readonly string[];
  /** Prefixes followed directly by `<version>` (default `['api']`). */
  grouplessPrefixes?: readonly string[];
  /**
   * Extracts the name a list or watch is narrowed to by `fieldSelector=metadata.name=<name>`;
   * returns `undefined` when there is none. Default: kube's field-selector grammar.
   */
  nameFromFieldSelector?: (fieldSelector: string) => string | undefined;
}

const specialVerbs = new Set(['proxy', 'watch']);
const specialVerbsWithoutSubresources = new Set(['proxy']);
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Reads a boolean query parameter the way kube's parameter codec does (Convert_Slice_string_To_bool):
 * absent is `undefined`; `false` and `0` (any case) are false; anything else, `True` and `""` included, is true.
 */
export function queryBool(value: string | null | undefined): boolean | undefined {
  if (value === null || value === undefined) return undefined;
  const lower = value.toLowerCase();
  return !(lower === 'false' || lower === '0');
}

function methodVerb(method: string): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** Makes a request-info parser for the given prefixes. */
export function requestInfoParser(
  options: RequestInfoOptions = {},
): (method: string, path: string, query: URLSearchParams) => RequestInfo {
  const grouped = new Set(options.groupedPrefixes ?? ['apis']);
  const groupless = new Set(options.grouplessPrefixes ?? ['api']);
  const nameFromFieldSelector = options.nameFromFieldSelector ?? exactNameFromFieldSelector;

  return (method, path, query) => {
    const lowerMethod = lowerCaseMethod(method);
    const info: RequestInfo = {
      isResourceRequest: false,
      path,
      verb: lowerMethod,
      apiPrefix: '',
      apiGroup: '',
      apiVersion: '',
      namespace: '',
      resource: '',
      subresource: '',
      name: '',
      parts: [],
    };
    const all = pathSegments(path);
    if (all.length < 3) return info;
    const prefix = all[0]!;
    if (!grouped.has(prefix) && !groupless.has(prefix)) return info;
    // `at` walks the segments: prefix, [group], version, [verb], [namespaces/<ns>], resource…
    let at = 1;
    if (!groupless.has(prefix)) {
      if (all.length - at < 3) return info;
      info.apiGroup = all[at++]!;
    }
    info.apiPrefix = prefix;
    info.isResourceRequest = true;
    info.apiVersion = all[at++]!;

    if (specialVerbs.has(all[at]!)) {
      // a special verb with nothing after it names no resource: kube reports an error and so do we
      if (all.length - at < 2) return { ...info, isResourceRequest: false, verb: lowerMethod };
      info.verb = all[at++]!;
    } else {
      info.verb = methodVerb(method);
    }

    if (all[at] === 'namespaces' && all.length - at > 1) {
      info.namespace = all[at + 1]!;
      if (all.length - at > 2 && !namespaceSubresources.has(all[at + 2]!)) at += 2;
    }
    const parts = at === 0 ? all : all.slice(at);
    info.parts = parts;
    if (parts.length >= 3 && !specialVerbsWithoutSubresources.has(info.verb)) {
      info.subresource = parts[2]!;
    }
    if (parts.length >= 2) info.name = parts[1]!;
    if (parts.length >= 1) info.resource = parts[0]!;

    if (info.name === '' && info.verb === 'get') {
      info.verb = queryBool(query.get('watch')) === true ? 'watch' : 'list';
      const fieldSelector = query.get('fieldSelector');
      if (fieldSelector !== null) {
        const name = nameFromFieldSelector(fieldSelector);
        // as kube: only a valid path-segment name narrows the request
        if (name !== undefined && isPathSegmentSafe(name)) info.name = name;
      }
    }
    if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
    return info;
  };
}

/** The path's segments without its leading and trailing slashes (inner empty segments stay). */
function pathSegments(path: string): string[] {
  let from = 0;
  let to = path.length;
  while (from < to && path.charCodeAt(from) === 47) from++;
  while (to > from && path.charCodeAt(to - 1) === 47) to--;
  return from === to ? [] : path.slice(from, to).split('/');
}

function lowerCaseMethod(method: string): string {
  switch (method) {
    case 'GET':
      return 'get';
    case 'POST':
      return 'post';
    case 'PUT':
      return 'put';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

function isPathSegmentSafe(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name);
}

/** The name `metadata.name=<name>` pins a field selector to; a malformed selector pins nothing (as kube). */
function exactNameFromFieldSelector(fieldSelector: string): string | undefined {
  try {
    return parseFieldSelector(fieldSelector).requiresExactMatch('metadata.name');
  } catch {
    return undefined;
  }
}
