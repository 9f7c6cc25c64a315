/**
 * mini-kube assembled: the core/v1 scheme and resources on an APIServer, with protobuf for the
 * kinds kubectl sends in it, NamespaceLifecycle admission, gradual namespace deletion and the
 * namespace controller. Storage and authentication come from the host (see main.ts).
 * @module
 */
import { isAlreadyExists, isNotFound } from '@kapi/apimachinery';
import { APIServer } from '@kapi/server';
import type { Authenticator, FilterLogger, RegistryStore, ServeOptions } from '@kapi/server';
import type { Storage } from '@kapi/storage';
import { systemMastersAuthorizer } from './auth.js';
import { coreV1Printers, coreV1Protobuf, coreV1Resources, coreV1Scheme } from './core/index.js';
import type { Namespace } from './core/namespace.js';
import { NamespaceController } from './namespaces/controller.js';
import type { ControllerLogger } from './namespaces/controller.js';
import { NamespaceDeletionStorage } from './namespaces/deletion.js';
import { NamespaceLifecycle, SYSTEM_NAMESPACES } from './namespaces/lifecycle.js';

/** What a host gives mini-kube. */
export interface MiniKubeOptions {
  /** Where every object lives; mini-kube closes it on {@link MiniKube.close}. */
  storage: Storage;
  /** Who is calling; mini-kube authorizes members of `system:masters` only. */
  authenticator: Authenticator;
  logger?: FilterLogger & ControllerLogger;
  /** How long shutdown lets requests finish (default 10 s). */
  shutdownTimeoutMs?: number;
  /** The namespace controller's first retry delay while content remains (default 100 ms). */
  namespaceRetryDelayMs?: number;
}

/** A running mini-kube: its API server and its controller. */
export class MiniKube {
  private constructor(
    /** The API server, for hosts that want its handler, metrics or OpenAPI. */
    readonly server: APIServer,
    private readonly controller: NamespaceController,
    private readonly shutdownTimeoutMs = 10_000,
  ) {}

  /** Builds the server, makes sure the system namespaces exist, and starts the namespace controller. */
  static async create(options: MiniKubeOptions): Promise<MiniKube> {
    // every resource's reads and watches come from a watch cache (the server makes them), the
    // namespaces' too, over the storage that turns their deletion into termination
    const namespaceStorage = new NamespaceDeletionStorage(options.storage);
    // the admission plugin reads namespaces through the store the server installs below
    const lifecycle = new NamespaceLifecycle(async (name): Promise<Namespace | undefined> => {
      try {
        return await namespaces.get('', name);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    const server = new APIServer({
      scheme: coreV1Scheme(),
      storage: options.storage,
      resources: coreV1Resources.map((r) => {
        const table = coreV1Printers.get(`${r.resource}.${r.group}`);
        return {
          ...r,
          ...(table ? { table } : {}),
          ...(r.resource === 'namespaces' ? { storage: namespaceStorage } : {}),
        };
      }),
      watchCache: true,
      protobuf: coreV1Protobuf(),
      admission: lifecycle,
      authenticator: options.authenticator,
      authorizer: systemMastersAuthorizer,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const installed = server.api.resources();
    const namespaces: RegistryStore = installed.find((r) => r.resource === 'namespaces')!.store;
    const controller = new NamespaceController({
      namespaces,
      storage: options.storage,
      contents: () => installed.filter((r) => r.namespaced).map((r) => r.store),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.namespaceRetryDelayMs !== undefined
        ? { retryDelayMs: options.namespaceRetryDelayMs }
        : {}),
    });
    const miniKube = new MiniKube(server, controller, options.shutdownTimeoutMs);
    try {
      await ensureNamespaces(namespaces, SYSTEM_NAMESPACES);
    } catch (err) {
      await miniKube.close();
      throw err;
    }
    controller.start();
    return miniKube;
  }

  /** Serves on a socket (HTTPS when `tls` is given); resolves with the bound address. */
  listen(
    options: Omit<ServeOptions, 'handler' | 'onShutdown' | 'shutdownTimeoutMs'>,
  ): Promise<{ host: string; port: number; url: string }> {
    return this.server.listen({ shutdownTimeoutMs: this.shutdownTimeoutMs, ...options });
  }

  /** Stops the controller, then shuts the server down gracefully and closes storage. */
  async close(): Promise<void> {
    await this.controller.stop();
    await this.server.close();
  }
}

/** Creates the namespaces that must always exist; another replica creating them first is fine. */
async function ensureNamespaces(store: RegistryStore, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await store.create(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { context: { namespace: '', subresource: '' } },
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
