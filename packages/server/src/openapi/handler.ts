/**
 * Serves `/openapi/v2` (JSON, or gnostic protobuf when asked) and `/openapi/v3` with its
 * per-group-version documents, as kube-openapi's handlers do (k8s.io/kube-openapi pkg/handler and
 * pkg/handler3): content negotiation on Accept, ETags (uppercase hex SHA-512 of the JSON), 304 on
 * a matching If-None-Match, and for v3 the `?hash=` contract: a matching hash is served as
 * immutable, a stale one is redirected (301) to the current URL.
 *
 * Documents are built on first request and kept, encoded, with their ETags.
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import {
  StatusError,
  internalError,
  notAcceptable,
  parseAccept,
  type Scheme,
  type StatusReason,
} from '@kapi/apimachinery';
import type { DiscoveryGroup } from '../discovery.js';
import { writeStatus } from '../response.js';
import {
  buildOpenAPIModel,
  renderOpenAPIV2,
  renderOpenAPIV3,
  type OpenAPIModel,
} from './builder.js';
import {
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  OPENAPI_V2_PROTOBUF_MEDIA_TYPE,
  encodeOpenAPIV2Protobuf,
} from './protobuf.js';
import type {
  OpenAPIOptions,
  OpenAPIV3Document,
  OpenAPIV3Index,
  SwaggerDocument,
} from './types.js';

const gzipAsync = promisify(gzip);

/** The path of the OpenAPI v2 document. */
export const OPENAPI_V2_PATH = '/openapi/v2';
/** The path of the OpenAPI v3 index; group versions are served below it. */
export const OPENAPI_V3_PATH = '/openapi/v3';

/** Bodies smaller than this are not compressed (the default of the gzip handler kube uses). */
const GZIP_MIN_SIZE = 1400;

/** One encoded document with its ETag (unquoted) and gzip form, made on first use. */
interface Encoded {
  body: Buffer;
  hash: string;
  lastModified: Date;
  gzipped?: Promise<Buffer>;
}

function encodeJson(value: unknown, lastModified: Date): Encoded {
  const body = Buffer.from(JSON.stringify(value));
  return { body, hash: hashOf(body), lastModified };
}

/** kube's ETag: the SHA-512 of the JSON bytes in uppercase hex (kube-openapi computeETag). */
function hashOf(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/**
 * The first offered `application/<subtype>` the Accept header takes, walking its ranges best
 * first as kube-openapi does; no header means anything, a range with q=0 takes nothing.
 */
function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  const header = accept === undefined || accept.trim() === '' ? '*/*' : accept;
  for (const range of parseAccept(header)) {
    if (range.q <= 0) continue;
    for (const subtype of offered) {
      if (range.type !== 'application' && range.type !== '*') continue;
      if (range.subtype !== subtype && range.subtype !== '*') continue;
      return subtype;
    }
  }
  return undefined;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const at = Date.parse(since);
  return Number.isFinite(at) && Math.floor(lastModified.getTime() / 1000) * 1000 <= at;
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return coding === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function failure(code: number, reason: StatusReason, message: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

/**
 * Serves the OpenAPI v2 and v3 documents of what a server serves. Build it with the scheme and the
 * same groups discovery serves; hand every request to {@link OpenAPIHandler.serve}.
 */
export class OpenAPIHandler {
  readonly #scheme: Scheme;
  readonly #options: OpenAPIOptions;
  #groups: readonly DiscoveryGroup[];
  #model: OpenAPIModel | undefined;
  #v2: Encoded | undefined;
  #v2Protobuf: Promise<Encoded> | undefined;
  #v3: Map<string, Encoded> | undefined;
  #v3Index: Encoded | undefined;

  constructor(scheme: Scheme, groups: readonly DiscoveryGroup[], options: OpenAPIOptions = {}) {
    this.#scheme = scheme;
    this.#groups = groups;
    this.#options = options;
  }

  /** Replaces the served groups; documents are rebuilt on the next request. */
  update(groups: readonly DiscoveryGroup[]): void {
    this.#groups = groups;
    this.#model = undefined;
    this.#v2 = undefined;
    this.#v2Protobuf = undefined;
    this.#v3 = undefined;
    this.#v3Index = undefined;
  }

  /** True for the paths this handler answers: `/openapi/v2`, `/openapi/v3` and below it. */
  handles(path: string): boolean {
    return (
      path === OPENAPI_V2_PATH || path === OPENAPI_V3_PATH || path.startsWith(`${OPENAPI_V3_PATH}/`)
    );
  }

  /** The OpenAPI v2 document, rendered from the model (which is built once). */
  openAPIV2(): SwaggerDocument {
    return renderOpenAPIV2(this.#modelOf());
  }

  /** The OpenAPI v3 documents by index key (`api/v1`, `apis/<g>/<v>`), rendered from the model. */
  openAPIV3(): Map<string, OpenAPIV3Document> {
    return renderOpenAPIV3(this.#modelOf());
  }

  #modelOf(): OpenAPIModel {
    return (this.#model ??= buildOpenAPIModel(this.#scheme, this.#groups, this.#options));
  }

  #v2Json(): Encoded {
    return (this.#v2 ??= encodeJson(renderOpenAPIV2(this.#modelOf()), new Date()));
  }

  #v2Pb(): Promise<Encoded> {
    const json = this.#v2Json();
    const promise = (this.#v2Protobuf ??= encodeOpenAPIV2Protobuf(
      JSON.parse(json.body.toString()) as SwaggerDocument,
    ).then(
      // one ETag for both forms, as kube (the Vary header tells caches apart)
      (bytes) => ({ body: Buffer.from(bytes), hash: json.hash, lastModified: json.lastModified }),
      (err: unknown) => {
        this.#v2Protobuf = undefined;
        throw err;
      },
    ));
    return promise;
  }

  #v3Docs(): Map<string, Encoded> {
    if (this.#v3 === undefined) {
      const now = new Date();
      this.#v3 = new Map(
        [...renderOpenAPIV3(this.#modelOf())].map(([gv, doc]) => [gv, encodeJson(doc, now)]),
      );
    }
    return this.#v3;
  }

  #v3IndexDoc(): Encoded {
    if (this.#v3Index === undefined) {
      const index: OpenAPIV3Index = { paths: {} };
      const docs = this.#v3Docs();
      for (const gv of [...docs.keys()].sort()) {
        index.paths[gv] = { serverRelativeURL: serverRelativeURL(gv, docs.get(gv)!.hash) };
      }
      this.#v3Index = encodeJson(index, new Date());
    }
    return this.#v3Index;
  }

  /**
   * Answers a request for one of this handler's paths and resolves true; resolves false, writing
   * nothing, for any other path. Failures are answered as Status bodies; the promise never rejects.
   */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!this.handles(path)) return false;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw failure(405, 'MethodNotAllowed', `the server does not allow this method on ${path}`);
      }
      if (path === OPENAPI_V2_PATH) await this.#serveV2(req, res);
      else if (path === OPENAPI_V3_PATH)
        await this.#write(req, res, this.#v3IndexDoc(), 'application/json');
      else
        await this.#serveV3(
          req,
          res,
          path.slice(OPENAPI_V3_PATH.length + 1),
          url.searchParams.get('hash'),
        );
    } catch (err) {
      if (!res.headersSent) writeStatus(res, err instanceof StatusError ? err : internalError(err));
      else res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  }

  async #serveV2(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Vary', 'Accept');
    const subtype = negotiate(req.headers.accept, [
      'json',
      OPENAPI_V2_PROTOBUF_MEDIA_TYPE.slice('application/'.length),
      OPENAPI_V2_PROTOBUF_CONTENT_TYPE.slice('application/'.length),
    ]);
    if (subtype === undefined) {
      throw notAcceptable(['application/json', OPENAPI_V2_PROTOBUF_CONTENT_TYPE]);
    }
    if (subtype === 'json') await this.#write(req, res, this.#v2Json(), 'application/json');
    else await this.#write(req, res, await this.#v2Pb(), OPENAPI_V2_PROTOBUF_CONTENT_TYPE);
  }

  async #serveV3(
    req: IncomingMessage,
    res: ServerResponse,
    gv: string,
    hash: string | null,
  ): Promise<void> {
    res.setHeader('Vary', 'Accept');
    // kube-openapi also offers v3 in protobuf; Kapi serves JSON only (what kubectl reads)
    if (negotiate(req.headers.accept, ['json']) === undefined) {
      throw notAcceptable(['application/json']);
    }
    const doc = this.#v3Docs().get(gv);
    if (doc === undefined) {
      throw failure(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (hash !== null && hash !== '') {
      if (hash !== doc.hash) {
        const location = serverRelativeURL(gv, doc.hash);
        res.writeHead(301, { Location: location, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          req.method === 'HEAD' ? undefined : `<a href="${location}">Moved Permanently</a>.\n`,
        );
        return;
      }
      res.setHeader('Cache-Control', 'public, immutable');
      const expires = new Date();
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      res.setHeader('Expires', expires.toUTCString());
    }
    await this.#write(req, res, doc, 'application/json');
  }

  async #write(
    req: IncomingMessage,
    res: ServerResponse,
    doc: Encoded,
    contentType: string,
  ): Promise<void> {
    const etag = `"${doc.hash}"`;
    res.setHeader('Content-Type', contentType);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', doc.lastModified.toUTCString());
    if (notModified(req, etag, doc.lastModified)) {
      res.removeHeader('Content-Type');
      res.writeHead(304);
      res.end();
      return;
    }
    let body = doc.body;
    if (body.length >= GZIP_MIN_SIZE && acceptsGzip(req)) {
      const gzipped = (doc.gzipped ??= gzipAsync(doc.body));
      body = await gzipped;
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Vary', 'Accept, Accept-Encoding');
    }
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** `/openapi/v3/<gv>?hash=<HASH>`, as the v3 index links each group version. */
function serverRelativeURL(gv: string, hash: string): string {
  return `${OPENAPI_V3_PATH}/${gv}?hash=${encodeURIComponent(hash)}`;
}
