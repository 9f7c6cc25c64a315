/**
 * Finalizer names in the core group: a single-segment name must be one of kube's own (as kube:
 * k8s.io/kubernetes pkg/apis/core/validation validateKubeFinalizerName, applied by ValidateObjectMeta
 * to every core kind).
 * @module
 */
import {
  FINALIZER_DELETE_DEPENDENTS,
  FINALIZER_ORPHAN_DEPENDENTS,
  fieldError,
  validateFinalizerName,
} from '@kapi/apimachinery';
import type { FieldError, KubeObject } from '@kapi/apimachinery';

/** The finalizer the namespace controller removes once a namespace is empty. */
export const FINALIZER_KUBERNETES = 'kubernetes';

const STANDARD_FINALIZERS = new Set([
  FINALIZER_KUBERNETES,
  FINALIZER_ORPHAN_DEPENDENTS,
  FINALIZER_DELETE_DEPENDENTS,
]);

/** Rejects a finalizer name without a `/` that is not a standard one. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.includes('/') || STANDARD_FINALIZERS.has(name)) return [];
  return [
    fieldError.invalid(
      path,
      name,
      'name is neither a standard finalizer name nor is it fully qualified',
    ),
  ];
}

/** The core group's extra check of `metadata.finalizers`. */
export function validateMetadataFinalizers(obj: KubeObject): FieldError[] {
  return (obj.metadata?.finalizers ?? []).flatMap((f) =>
    validateKubeFinalizerName(f, 'metadata.finalizers'),
  );
}

/** A finalizer of `spec.finalizers` (namespaces): a qualified name, and a standard one if bare. */
export function validateSpecFinalizerName(name: string, path: string): FieldError[] {
  return [...validateFinalizerName(name, path), ...validateKubeFinalizerName(name, path)];
}
