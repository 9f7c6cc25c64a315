/**
 * The NamespaceLifecycle admission plugin: nothing is written into a namespace that does not
 * exist, nothing new is created in one being terminated, and the system namespaces cannot be
 * deleted (as kube: k8s.io/apiserver pkg/admission/plugin/namespace/lifecycle admission.go).
 * @module
 */
import { conflict, forbidden, notFound } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import type { Admission, AdmissionAttributes } from '@kapi/server';
import { NAMESPACE_TERMINATING } from '../core/namespace.js';
import type { Namespace } from '../core/namespace.js';
import { hasSpecFinalizers } from './deletion.js';

/** The namespaces that exist from the start and can never be deleted. */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];

/** Reads a namespace by name; `undefined` when there is none. */
export type NamespaceGetter = (name: string) => Promise<Namespace | undefined>;

const NAMESPACES = { group: '', resource: 'namespaces' };

// as kube: k8s.io/kubernetes pkg/registry/core/namespace/storage REST.Delete (two spaces and all)
const TERMINATING_CONFLICT =
  'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.';

function isNamespace(attributes: AdmissionAttributes): boolean {
  return attributes.kind.group === '' && attributes.kind.kind === 'Namespace';
}

/** The admission plugin; it reads namespaces live from storage, so every replica agrees. */
export class NamespaceLifecycle implements Admission {
  private readonly immortal: ReadonlySet<string>;

  constructor(
    private readonly getNamespace: NamespaceGetter,
    immortal: readonly string[] = SYSTEM_NAMESPACES,
  ) {
    this.immortal = new Set(immortal);
  }

  /** Runs before the strategy (kube's plugin admits in the mutating phase), changing nothing. */
  async mutate(attributes: AdmissionAttributes): Promise<KubeObject> {
    const object = attributes.object!;
    if (isNamespace(attributes) || attributes.namespace === '') return object;
    const namespace = await this.getNamespace(attributes.namespace);
    if (namespace === undefined) throw notFound(NAMESPACES, attributes.namespace);
    if (attributes.operation === 'CREATE' && namespace.status?.phase === NAMESPACE_TERMINATING) {
      const name = attributes.name !== '' ? attributes.name : (object.metadata?.generateName ?? '');
      const err = forbidden(
        { group: attributes.resource.group, resource: attributes.resource.resource },
        name,
        `unable to create new content in namespace ${attributes.namespace} because it is being terminated`,
      );
      err.status.details = {
        ...err.status.details,
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${attributes.namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      };
      throw err;
    }
    return object;
  }

  /**
   * Refuses to delete a system namespace, and (as kube's namespace storage does) to delete again a
   * namespace that is already being emptied: this is the hook that sees an API DELETE.
   */
  validate(attributes: AdmissionAttributes): Promise<void> {
    if (attributes.operation !== 'DELETE' || !isNamespace(attributes)) return Promise.resolve();
    if (this.immortal.has(attributes.name)) {
      return Promise.reject(
        forbidden(NAMESPACES, attributes.name, 'this namespace may not be deleted'),
      );
    }
    const current = attributes.oldObject as Namespace | undefined;
    if (current?.metadata?.deletionTimestamp && hasSpecFinalizers(current)) {
      return Promise.reject(conflict(NAMESPACES, attributes.name, TERMINATING_CONFLICT));
    }
    return Promise.resolve();
  }
}
