/**
 * The namespace controller: watches namespaces and, for each one being deleted, deletes everything
 * in it, removes the `kubernetes` finalizer and deletes the namespace (as kube: k8s.io/kubernetes
 * pkg/controller/namespace). Every step is idempotent and reads its state from storage, so any
 * number of replicas may run it side by side.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import type { RegistryStore } from '@kapi/server';
import { isStorageError } from '@kapi/storage';
import type { Storage, Watcher } from '@kapi/storage';
import { FINALIZER_KUBERNETES } from '../core/finalizers.js';
import { NAMESPACE_TERMINATING } from '../core/namespace.js';
import type { Namespace } from '../core/namespace.js';
import { hasSpecFinalizers, markTerminating } from './deletion.js';

/** Where the controller reports what it does (a pino logger fits). */
export interface ControllerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the controller works on. */
export interface NamespaceControllerOptions {
  /** The namespaces' registry store, watched for namespaces being deleted. */
  namespaces: RegistryStore;
  /** The storage namespaces live in, written directly for the system's own steps. */
  storage: Storage;
  /** The stores of every namespaced resource, whose objects a deleted namespace loses. */
  contents: () => readonly RegistryStore[];
  logger?: ControllerLogger;
  /** The first delay before a namespace is looked at again while content remains (default 100 ms). */
  retryDelayMs?: number;
  /** The longest such delay (default 5 s). */
  maxRetryDelayMs?: number;
}

type SyncResult = 'done' | 'retry';

/** Another replica deleted the namespace first (or it was replaced): nothing is left to do. */
function finishedElsewhere(err: unknown): boolean {
  // the steps write with the namespace's uid as precondition, so a failed one means another namespace
  return isStorageError(err, 'KeyNotFound') || isStorageError(err, 'InvalidObj');
}

/** Empties and removes namespaces that are being deleted. Start it once; stop it on shutdown. */
export class NamespaceController {
  private readonly stopController = new AbortController();
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; attempt: number }>();
  private watcher: Watcher | undefined;
  private running: Promise<void> | undefined;
  private draining: Promise<void> | undefined;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: NamespaceControllerOptions) {
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  }

  /** Starts watching. */
  start(): void {
    this.running ??= this.watchLoop();
  }

  /** Stops watching and waits for the step in progress to finish. */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.watcher?.stop();
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.pending.clear();
    await this.running;
    await this.draining;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  /** One watch of all namespaces at a time, restarted (with the full state again) when it ends. */
  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      const watcher = this.options.namespaces.watch('', { signal: this.stopController.signal });
      this.watcher = watcher;
      try {
        for await (const event of watcher) {
          if (event.type === 'ERROR') break;
          if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
          if (event.object.metadata?.deletionTimestamp)
            this.enqueue(event.object.metadata.name ?? '');
        }
      } catch (err) {
        this.options.logger?.warn({ err }, 'namespace watch failed; restarting it');
      }
      watcher.stop();
      if (!this.stopped) {
        await sleep(this.retryDelayMs, undefined, { signal: this.stopController.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  private enqueue(name: string): void {
    if (this.stopped || name === '') return;
    this.pending.add(name);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Works through the queue one namespace at a time. */
  private async drain(): Promise<void> {
    while (!this.stopped) {
      const next = this.pending.values().next();
      if (next.done === true) return;
      const name = next.value;
      this.pending.delete(name);
      let result: SyncResult;
      try {
        result = await this.sync(name);
      } catch (err) {
        if (this.stopped) return;
        if (finishedElsewhere(err)) {
          result = 'done';
        } else {
          this.options.logger?.warn({ err, namespace: name }, 'namespace deletion step failed');
          result = 'retry';
        }
      }
      if (result === 'retry') this.retryLater(name);
      else this.retries.delete(name);
    }
  }

  private retryLater(name: string): void {
    if (this.stopped) return;
    const attempt = (this.retries.get(name)?.attempt ?? 0) + 1;
    clearTimeout(this.retries.get(name)?.timer);
    const delay = Math.min(this.retryDelayMs * 2 ** (attempt - 1), this.maxRetryDelayMs);
    const timer = setTimeout(() => {
      this.enqueue(name);
    }, delay);
    this.retries.set(name, { timer, attempt });
  }

  /** Moves one namespace on: Terminating, emptied, finalized, deleted. */
  private async sync(name: string): Promise<SyncResult> {
    const { namespaces, storage } = this.options;
    let ns: KubeObject;
    try {
      ns = await namespaces.get('', name);
    } catch (err) {
      if (isNotFound(err)) return 'done';
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return 'done';
    const key = namespaces.key('', name);
    const preconditions = { uid: ns.metadata.uid ?? '' };
    if ((ns as Namespace).status?.phase !== NAMESPACE_TERMINATING) {
      // a namespace with metadata finalizers was only marked deleted: it is terminating all the same
      ns = await storage.guaranteedUpdate(key, (cur) => markTerminating(cur!), { preconditions });
    }
    if (hasSpecFinalizers(ns)) {
      let remaining = 0;
      for (const store of this.options.contents()) {
        const context = { namespace: name, subresource: '' };
        await store.deleteCollection({}, { context });
        // objects with finalizers of their own stay until those are removed
        remaining += (await store.list(name, {})).items.length;
      }
      if (remaining > 0) return 'retry';
      ns = await storage.guaranteedUpdate(
        key,
        (cur) => {
          const copy = structuredClone(cur!) as Namespace;
          const left = (copy.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
          copy.spec = { ...copy.spec, finalizers: left };
          if (left.length === 0) delete copy.spec.finalizers;
          return copy;
        },
        { preconditions },
      );
      // another finalizer of spec.finalizers belongs to someone else, who finishes the job
      if (hasSpecFinalizers(ns)) return 'done';
    }
    if ((ns.metadata?.finalizers ?? []).length > 0) return 'done';
    await storage.delete(key, { preconditions });
    this.options.logger?.info({ namespace: name }, 'namespace deleted');
    return 'done';
  }
}
