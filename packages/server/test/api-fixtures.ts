import { Scheme } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import { MemoryStorage } from '@kapi/storage';
import { alwaysAllowAuthorizer, anonymousAuthenticator, APIServer } from '../src/index.js';
import type { APIServerConfig } from '../src/index.js';

const objectMeta = { type: 'object' };

/** A small scheme: core ConfigMaps and Namespaces, and a two-version cluster-scoped Widget with status. */
export function testScheme(): Scheme {
  return new Scheme({ name: 'test' })
    .addGroup({
      group: '',
      versions: ['v1'],
      kinds: [
        {
          kind: 'ConfigMap',
          plural: 'configmaps',
          shortNames: ['cm'],
          namespaced: true,
          versions: {
            v1: {
              schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: objectMeta,
                  data: { type: 'object', additionalProperties: { type: 'string' } },
                  binaryData: {
                    type: 'object',
                    additionalProperties: { type: 'string', format: 'byte' },
                  },
                  immutable: { type: 'boolean' },
                },
              },
            },
          },
        },
        {
          kind: 'Namespace',
          plural: 'namespaces',
          shortNames: ['ns'],
          namespaced: false,
          versions: {
            v1: {
              schema: {
                type: 'object',
                properties: {
                  apiVersion: {},
                  kind: {},
                  metadata: objectMeta,
                  spec: { type: 'object' },
                  status: { type: 'object' },
                },
              },
            },
          },
        },
      ],
    })
    .addGroup({
      group: 'example.com',
      versions: ['v1', 'v1beta1'],
      kinds: [
        {
          kind: 'Widget',
          plural: 'widgets',
          namespaced: false,
          categories: ['all'],
          versions: {
            v1: {
              schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: objectMeta,
                  spec: { type: 'object', properties: { size: { type: 'integer', minimum: 0 } } },
                  status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                },
              },
            },
            v1beta1: {
              schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: objectMeta,
                  spec: { type: 'object', properties: { sizeInUnits: { type: 'integer' } } },
                  status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                },
              },
              toHub: (o: KubeObject) => {
                const spec = (o.spec ?? {}) as { sizeInUnits?: number };
                const { sizeInUnits, ...rest } = spec;
                return {
                  ...o,
                  spec: { ...rest, ...(sizeInUnits !== undefined ? { size: sizeInUnits } : {}) },
                };
              },
              fromHub: (o: KubeObject) => {
                const spec = (o.spec ?? {}) as { size?: number };
                const { size, ...rest } = spec;
                return {
                  ...o,
                  spec: { ...rest, ...(size !== undefined ? { sizeInUnits: size } : {}) },
                };
              },
            },
          },
        },
      ],
    });
}

/** An API server on memory storage with anonymous allow-all auth, listening on a free loopback port. */
export async function startTestServer(overrides: Partial<APIServerConfig> = {}) {
  const storage = new MemoryStorage();
  const server = new APIServer({
    scheme: testScheme(),
    storage,
    resources: [
      { group: '', resource: 'configmaps', strategy: { trackGeneration: false } },
      {
        group: '',
        resource: 'namespaces',
        statusSubresource: true,
        strategy: { returnDeletedObject: true },
      },
      {
        group: 'example.com',
        resource: 'widgets',
        statusSubresource: true,
        printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      },
    ],
    authenticator: anonymousAuthenticator,
    authorizer: alwaysAllowAuthorizer,
    ...overrides,
  });
  const { url } = await server.listen({ port: 0 });
  return { server, url, storage };
}

/** A parsed response body: tests read deep into it, so it is left untyped on purpose. */
export type Json = any;

/** A small fetch helper returning status, headers and the parsed JSON body. */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body =
      typeof body === 'string' || body instanceof Uint8Array
        ? (body as string)
        : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const r = await fetch(url + path, init);
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, headers: r.headers, body: parsed };
}
