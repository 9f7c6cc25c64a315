/**
 * A small typed client for tests: raw requests, and per-resource get/list/create/update/patch/
 * delete/watch returning parsed objects and throwing StatusError on failures.
 * @module
 */
import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  RequestOptions,
} from 'node:http';
import { JsonWatchDecoder, parseApiVersion, StatusError } from '@kapi/apimachinery';
import type { KubeList, KubeObject, Status, WatchEvent } from '@kapi/apimachinery';

/** Opens one HTTP request: over memory (injected) or a real connection. */
export type Transport = (options: RequestOptions) => ClientRequest;

/** A request as tests write it. */
export interface TestRequest {
  method?: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/configmaps?limit=1`. */
  path: string;
  headers?: Record<string, string>;
  /** A string or bytes are sent as they are; anything else as JSON. */
  body?: unknown;
}

/** A whole response. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
  /** The body parsed as JSON, as the type the test expects. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's type
  json<T = unknown>(): T;
}

/** Options of a list or watch. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** Options of a watch. */
export interface WatchOptions extends Omit<
  ListOptions,
  'limit' | 'continue' | 'resourceVersionMatch'
> {
  /** Narrow the watch to one object. */
  name?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

/** Options of a write. */
export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /** Write through a subresource, e.g. `status`. */
  subresource?: string;
}

/** Options of a patch. */
export interface PatchOptions extends WriteOptions {
  /** Default `merge` (application/merge-patch+json). */
  type?: 'merge' | 'json' | 'strategic';
}

/** Options of a delete. */
export interface DeleteOptions {
  namespace?: string;
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A running watch: iterate its events; `stop()` ends it. */
export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  /** The next event; rejects when the watch has ended. */
  next(): Promise<WatchEvent<T>>;
  /** Ends the watch (closes the response). */
  stop(): void;
}

const patchTypes = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

function bodyBytes(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** Turns a failed response into the StatusError it carries (or one made from its text). */
export function statusErrorOf(response: TestResponse): StatusError {
  let status: Status | undefined;
  try {
    const parsed = response.json<Status>();
    if (parsed.kind === 'Status') status = parsed;
  } catch {
    // not JSON: described below from the text
  }
  return new StatusError(
    status ?? {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: response.text === '' ? `HTTP ${response.status}` : response.text,
      code: response.status,
    },
  );
}

/** Talks to a Kapi server in tests. */
export class TestClient {
  /** `headers` go with every request (e.g. an Authorization header). */
  constructor(
    private readonly transport: Transport,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** A client sending these headers too. */
  withHeaders(headers: Record<string, string>): TestClient {
    return new TestClient(this.transport, { ...this.headers, ...headers });
  }

  /** Sends a request; resolves with the response headers and a body stream still to read. */
  stream(request: TestRequest): Promise<IncomingMessage> {
    const body = bodyBytes(request.body);
    const headers: Record<string, string> = { ...this.headers, ...request.headers };
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const req = this.transport({
        method: request.method ?? 'GET',
        path: request.path,
        headers,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
  }

  /** Sends a request and reads the whole response; never throws for an HTTP status. */
  async request(request: TestRequest): Promise<TestResponse> {
    const res = await this.stream(request);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      body,
      get text() {
        return body.toString('utf8');
      },
      // never: whatever type the caller names
      json: () => JSON.parse(body.toString('utf8')) as never,
    };
  }

  /** Sends a request and parses its JSON body; a status of 400 or above throws its StatusError. */
  async call<T = unknown>(request: TestRequest): Promise<T> {
    const response = await this.request(request);
    if (response.status >= 400) throw statusErrorOf(response);
    return response.json<T>();
  }

  /** A client for one resource, e.g. `resource('apps/v1', 'deployments')` or `resource('v1', 'configmaps')`. */
  resource<T extends KubeObject = KubeObject>(
    apiVersion: string,
    resource: string,
  ): ResourceClient<T> {
    return new ResourceClient<T>(this, apiVersion, resource);
  }
}

/** Get, list, create, update, patch, delete and watch one resource. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  private readonly root: string;

  constructor(
    private readonly client: TestClient,
    apiVersion: string,
    private readonly resource: string,
  ) {
    const gv = parseApiVersion(apiVersion);
    this.root = gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
  }

  /** The path of the collection (in a namespace, or across all), an object or its subresource. */
  path(namespace: string | undefined, name?: string, subresource?: string): string {
    let p = this.root;
    if (namespace !== undefined && namespace !== '')
      p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${this.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined && subresource !== '') p += `/${subresource}`;
    return p;
  }

  private writeQuery(options: WriteOptions): string {
    return query({
      dryRun: options.dryRun === true ? 'All' : undefined,
      fieldManager: options.fieldManager,
      fieldValidation: options.fieldValidation,
    });
  }

  /** Reads one object. */
  get(name: string, options: { namespace?: string; subresource?: string } = {}): Promise<T> {
    return this.client.call<T>({ path: this.path(options.namespace, name, options.subresource) });
  }

  /** Lists objects. */
  list(options: ListOptions = {}): Promise<KubeList<T>> {
    return this.client.call<KubeList<T>>({
      path:
        this.path(options.namespace) +
        query({
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit,
          continue: options.continue,
          resourceVersion: options.resourceVersion,
          resourceVersionMatch: options.resourceVersionMatch,
        }),
    });
  }

  /** Creates an object in `options.namespace` or its own metadata.namespace. */
  create(obj: T, options: WriteOptions = {}): Promise<T> {
    const namespace = options.namespace ?? obj.metadata?.namespace;
    return this.client.call<T>({
      method: 'POST',
      path: this.path(namespace) + this.writeQuery(options),
      body: obj,
    });
  }

  /** Replaces an object (PUT); its metadata.resourceVersion is the precondition. */
  update(obj: T, options: WriteOptions = {}): Promise<T> {
    const namespace = options.namespace ?? obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    return this.client.call<T>({
      method: 'PUT',
      path: this.path(namespace, name, options.subresource) + this.writeQuery(options),
      body: obj,
    });
  }

  /** Patches an object (merge patch unless `options.type` says otherwise). */
  patch(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.client.call<T>({
      method: 'PATCH',
      path: this.path(options.namespace, name, options.subresource) + this.writeQuery(options),
      headers: { 'content-type': patchTypes[options.type ?? 'merge'] },
      body: patch,
    });
  }

  /** Deletes an object; resolves with what the server answers (the object, or a Success Status). */
  delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined)
      body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.preconditions !== undefined) body.preconditions = options.preconditions;
    return this.client.call<T | Status>({
      method: 'DELETE',
      path:
        this.path(options.namespace, name) +
        query({ dryRun: options.dryRun === true ? 'All' : undefined }),
      body,
    });
  }

  /** Starts a watch; resolves once the server has sent the response headers. */
  async watch(options: WatchOptions = {}): Promise<WatchStream<T>> {
    const fieldSelector =
      options.name !== undefined
        ? [`metadata.name=${options.name}`, options.fieldSelector].filter(Boolean).join(',')
        : options.fieldSelector;
    const res = await this.client.stream({
      path:
        this.path(options.namespace) +
        query({
          watch: 'true',
          labelSelector: options.labelSelector,
          fieldSelector,
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks,
          sendInitialEvents: options.sendInitialEvents,
          timeoutSeconds: options.timeoutSeconds,
        }),
    });
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      throw statusErrorOf({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body,
        text: body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')) as never,
      });
    }
    return watchStream<T>(res);
  }
}

function watchStream<T>(res: IncomingMessage): WatchStream<T> {
  const decoder = new JsonWatchDecoder();
  const events = (async function* () {
    try {
      for await (const chunk of res) {
        for (const event of decoder.push(chunk as Buffer)) yield event as WatchEvent<T>;
      }
      for (const event of decoder.end()) yield event as WatchEvent<T>;
    } catch (err) {
      // a stopped watch ends quietly
      if (!res.destroyed) throw err;
    }
  })();
  return {
    [Symbol.asyncIterator]: () => events,
    async next() {
      const r = await events.next();
      if (r.done === true) throw new Error('the watch has ended');
      return r.value;
    },
    stop() {
      res.destroy();
    },
  };
}
