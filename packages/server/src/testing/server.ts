/**
 * An in-process API server for hosts' own tests: memory storage, anonymous allow-all access chosen
 * here explicitly, requests injected over in-memory connections (no port), and a real HTTPS
 * listener with a CA and a kubeconfig when a test needs kubectl.
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scheme } from '@kapi/apimachinery';
import { MemoryStorage } from '@kapi/storage';
import type { Storage } from '@kapi/storage';
import { alwaysAllowAuthorizer, anonymousAuthenticator } from '../auth.js';
import type { ResourceConfig } from '../endpoints/resource.js';
import { APIServer } from '../server.js';
import type { APIServerConfig } from '../server.js';
import { createCertificateAuthority, signCertificate } from '../serving/certs.js';
import type { ServingCertificates } from '../serving/certs.js';
import { KapiServer } from '../serving/server.js';
import { TestClient } from './client.js';
import type { TestRequest, TestResponse, Transport } from './client.js';
import { memorySocketPair } from './memory-socket.js';
import type { MemorySocket } from './memory-socket.js';

/** What a test server serves. Everything of {@link APIServerConfig} may be given; auth defaults to anonymous allow-all. */
export interface TestServerOptions extends Partial<
  Omit<APIServerConfig, 'scheme' | 'resources' | 'storage'>
> {
  scheme: Scheme;
  resources: readonly ResourceConfig[];
  /** Default a new MemoryStorage. */
  storage?: Storage;
}

/** A test server listening on a loopback port over HTTPS. */
export interface ListeningTestServer {
  /** e.g. `https://127.0.0.1:41234`. */
  url: string;
  /** The PEM CA that signed the serving certificate. */
  ca: string;
  /** A kubeconfig (JSON, which kubectl reads as YAML) pointing at the server and trusting the CA. */
  kubeconfig: string;
  /** Where that kubeconfig is written (removed on close): `kubectl --kubeconfig <path>`. */
  kubeconfigPath: string;
  /** A client over the real connection. */
  client: TestClient;
}

let certificates: Promise<ServingCertificates> | undefined;

/** One CA and serving certificate per process: key generation is the slow part of listening. */
function testCertificates(): Promise<ServingCertificates> {
  certificates ??= (async () => {
    const ca = await createCertificateAuthority('kapi-test-ca');
    const serving = await signCertificate(ca, {
      commonName: 'kapi-test-apiserver',
      hosts: ['localhost', '127.0.0.1', '::1'],
      usage: 'server',
    });
    return { ca, serving };
  })();
  return certificates;
}

/** An API server for tests; see {@link startTestServer}. */
export class TestServer {
  /** The assembled server (its API handler, OpenAPI, metrics). */
  readonly api: APIServer;
  readonly storage: Storage;
  /** A client whose requests are injected in memory. */
  readonly client: TestClient;
  private readonly inProcess: KapiServer;
  private listening: Promise<ListeningTestServer> | undefined;
  private kubeconfigDir: string | undefined;

  constructor(options: TestServerOptions) {
    this.storage = options.storage ?? new MemoryStorage();
    this.api = new APIServer({
      authenticator: anonymousAuthenticator,
      authorizer: alwaysAllowAuthorizer,
      metrics: false,
      ...options,
      storage: this.storage,
    });
    this.inProcess = new KapiServer({ handler: this.api.handler, port: 0 });
    const transport: Transport = (requestOptions) =>
      httpRequest({
        ...requestOptions,
        host: 'kapi.test',
        // no agent: each request gets its own in-memory connection
        createConnection: () => this.connect(),
      });
    this.client = new TestClient(transport);
  }

  /**
   * Opens an in-memory connection to the server: node's HTTP server reads it as a client socket.
   * Hand it to any client that takes a `createConnection` (e.g. `ws` for websocket watches).
   */
  connect(): MemorySocket {
    const [client, server] = memorySocketPair();
    this.inProcess.server.emit('connection', server);
    return client;
  }

  /** Sends one request without a socket; never throws for an HTTP status. */
  inject(request: TestRequest): Promise<TestResponse> {
    return this.client.request(request);
  }

  /** Listens on a free loopback port over HTTPS (once; later calls return the same answer). */
  listen(): Promise<ListeningTestServer> {
    this.listening ??= this.startListening();
    return this.listening;
  }

  private async startListening(): Promise<ListeningTestServer> {
    const { ca, serving } = await testCertificates();
    const { url, host, port } = await this.api.listen({ port: 0, tls: serving });
    const kubeconfig = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'kapi-test',
            cluster: {
              server: url,
              'certificate-authority-data': Buffer.from(ca.cert).toString('base64'),
            },
          },
        ],
        // kubectl prompts for a password when a user has no credentials: give it a token
        users: [{ name: 'kapi-test', user: { token: 'kapi-test' } }],
        contexts: [{ name: 'kapi-test', context: { cluster: 'kapi-test', user: 'kapi-test' } }],
        'current-context': 'kapi-test',
      },
      null,
      2,
    );
    this.kubeconfigDir = await mkdtemp(join(tmpdir(), 'kapi-test-'));
    const kubeconfigPath = join(this.kubeconfigDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    const transport: Transport = (requestOptions) =>
      httpsRequest({ ...requestOptions, host, port, ca: ca.cert, agent: false });
    return { url, ca: ca.cert, kubeconfig, kubeconfigPath, client: new TestClient(transport) };
  }

  /** Stops everything: in-memory connections, the listener, watches, storage; removes the kubeconfig. */
  async close(): Promise<void> {
    await this.inProcess.shutdown();
    await this.api.close();
    if (this.kubeconfigDir !== undefined) {
      await rm(this.kubeconfigDir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts an in-process API server for tests on memory storage (unless given another), with
 * anonymous allow-all access unless `authenticator`/`authorizer` say otherwise. Requests go through
 * the whole filter chain without a socket: `server.client` and `server.inject()`; `server.listen()`
 * adds a real HTTPS listener with a kubeconfig. Close it when done.
 */
export function startTestServer(options: TestServerOptions): Promise<TestServer> {
  return Promise.resolve(new TestServer(options));
}
