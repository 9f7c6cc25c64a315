/**
 * Gradual namespace deletion: a DELETE of a namespace that still has `spec.finalizers` marks it
 * Terminating instead of removing it; the namespace controller empties it, removes the finalizer
 * and deletes it for good (as kube: k8s.io/kubernetes pkg/registry/core/namespace/storage
 * storage.go REST.Delete and ShouldDeleteNamespaceDuringUpdate).
 *
 * It is a Storage in front of the namespaces' storage because @kapi/server's ResourceStrategy has
 * no hook for a resource's own delete (kube's namespace REST overrides Delete); once it has one,
 * this logic belongs there.
 * @module
 */
import type { KubeObject } from '@kapi/apimachinery';
import { nowTimestamp } from '@kapi/server';
import type {
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  Storage,
  UpdateFunction,
  UpdateOptions,
  WatchOptions,
  Watcher,
} from '@kapi/storage';
import { NAMESPACE_TERMINATING } from '../core/namespace.js';
import type { Namespace } from '../core/namespace.js';

/** True while a namespace's `spec.finalizers` keep it from being removed. */
export function hasSpecFinalizers(obj: KubeObject): boolean {
  return ((obj as Namespace).spec?.finalizers ?? []).length > 0;
}

/** Marks a namespace as being deleted: a deletionTimestamp and phase Terminating (idempotent). */
export function markTerminating(obj: KubeObject): KubeObject {
  const ns = structuredClone(obj) as Namespace;
  const meta = (ns.metadata ??= {});
  meta.deletionTimestamp ??= nowTimestamp();
  ns.status = { ...ns.status, phase: NAMESPACE_TERMINATING };
  return ns;
}

/** The namespaces' storage, with deletion turned into termination while finalizers remain. */
export class NamespaceDeletionStorage implements Storage {
  constructor(
    /** The storage namespaces live in; the namespace controller deletes through it directly. */
    readonly backend: Storage,
  ) {}

  async delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    const current = await this.backend.get(key, {
      ignoreNotFound: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (current === null || !hasSpecFinalizers(current)) return this.backend.delete(key, options);
    await options.validateDeletion?.(current);
    return this.backend.guaranteedUpdate(key, (latest) => markTerminating(latest!), {
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    return this.backend.create(key, obj, options);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  get(key: string, options?: GetOptions): Promise<KubeObject | null> {
    return this.backend.get(key, options);
  }

  list(key: string, options?: ListOptions): Promise<ListResult> {
    return this.backend.list(key, options);
  }

  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options?: UpdateOptions,
  ): Promise<KubeObject> {
    return this.backend.guaranteedUpdate(key, tryUpdate, options);
  }

  watch(key: string, options?: WatchOptions): Watcher {
    return this.backend.watch(key, options);
  }

  count(key: string): Promise<number> {
    return this.backend.count(key);
  }

  currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  compact(revision: number): Promise<void> {
    return this.backend.compact(revision);
  }

  readinessCheck(): Promise<void> {
    return this.backend.readinessCheck();
  }

  /** Does nothing: the backend is shared with the rest of the server, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
