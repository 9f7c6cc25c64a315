/**
 * core/v1 Namespace: cluster-scoped, with a status subresource (phase Active or Terminating) and
 * `spec.finalizers`, which only the namespace controller empties (as kube: k8s.io/kubernetes
 * pkg/registry/core/namespace strategy.go, pkg/apis/core/validation ValidateNamespace*).
 * @module
 */
import { defaultClusterScopedAttrs, fieldError, validateNamespaceName } from '@kapi/apimachinery';
import type { FieldError, KindDefinition, KubeObject } from '@kapi/apimachinery';
import type { ResourceConfig, ResourceStrategy } from '@kapi/server';
import { AGE_COLUMN, NAME_COLUMN, printer, timestampSince } from '../printers.js';
import {
  FINALIZER_KUBERNETES,
  validateMetadataFinalizers,
  validateSpecFinalizerName,
} from './finalizers.js';
import { definition, kindSchema, string, time } from './schema.js';

/** The namespace phases. */
export const NAMESPACE_ACTIVE = 'Active';
/** A namespace being emptied before it goes away. */
export const NAMESPACE_TERMINATING = 'Terminating';

/** The label every namespace carries with its own name, so selectors can pick namespaces by name. */
export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespace as this example reads it. */
export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
}

const namespaceCondition = {
  type: 'object',
  description: 'One observed condition of a namespace.',
  required: ['type', 'status'],
  properties: {
    lastTransitionTime: time('When the condition last changed status.'),
    message: string('A human-readable explanation.'),
    reason: string('A machine-readable reason, in CamelCase.'),
    status: string('True, False or Unknown.'),
    type: string('The condition type.'),
  },
};

/** Namespace in the scheme. */
export const namespaceKind: KindDefinition = {
  kind: 'Namespace',
  plural: 'namespaces',
  shortNames: ['ns'],
  namespaced: false,
  versions: {
    v1: {
      schema: kindSchema(
        'A scope for names: objects of most kinds live in one namespace.',
        {
          spec: {
            type: 'object',
            description: 'What the namespace should be.',
            properties: {
              finalizers: {
                type: 'array',
                description:
                  'What must happen before the namespace is removed from storage; the namespace controller removes "kubernetes" once the namespace is empty.',
                items: { type: 'string' },
                'x-kubernetes-list-type': 'atomic',
              },
            },
          },
          status: {
            type: 'object',
            description: 'What the namespace is, as the system observes it.',
            properties: {
              conditions: {
                type: 'array',
                description: 'The latest observations of the namespace state.',
                items: definition('NamespaceCondition'),
                'x-kubernetes-list-map-keys': ['type'],
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-patch-merge-key': 'type',
                'x-kubernetes-patch-strategy': 'merge',
              },
              phase: {
                type: 'string',
                description:
                  'The lifecycle phase: Active, or Terminating while its content is being deleted.',
                enum: [NAMESPACE_ACTIVE, NAMESPACE_TERMINATING],
              },
            },
          },
        },
        { definitions: { NamespaceCondition: namespaceCondition } },
      ),
    },
  },
};

function validateNamespace(obj: KubeObject): FieldError[] {
  const ns = obj as Namespace;
  return [
    ...validateMetadataFinalizers(ns),
    ...(ns.spec?.finalizers ?? []).flatMap((f) => validateSpecFinalizerName(f, 'spec.finalizers')),
  ];
}

// as kube: the phase must agree with deletionTimestamp (ValidateNamespaceStatusUpdate; kube's path is "status.Phase")
function validateStatus(ns: Namespace): FieldError[] {
  const phase = ns.status?.phase ?? '';
  if (ns.metadata?.deletionTimestamp == null) {
    return phase === NAMESPACE_ACTIVE
      ? []
      : [
          fieldError.invalid(
            'status.Phase',
            phase,
            "may only be 'Active' if `deletionTimestamp` is empty",
          ),
        ];
  }
  return phase === NAMESPACE_TERMINATING
    ? []
    : [
        fieldError.invalid(
          'status.Phase',
          phase,
          "may only be 'Terminating' if `deletionTimestamp` is not empty",
        ),
      ];
}

const strategy: ResourceStrategy = {
  validateName: validateNamespaceName,
  trackGeneration: false,
  allowUnconditionalUpdate: true,
  returnDeletedObject: true,
  prepareForCreate: (obj) => {
    const ns = obj as Namespace;
    ns.status = { phase: NAMESPACE_ACTIVE };
    // on create the kubernetes finalizer is required; it may be removed over the namespace's life
    const finalizers = ns.spec?.finalizers ?? [];
    ns.spec = {
      ...ns.spec,
      finalizers: finalizers.includes(FINALIZER_KUBERNETES)
        ? finalizers
        : [...finalizers, FINALIZER_KUBERNETES],
    };
  },
  prepareForUpdate: (obj, old, ctx) => {
    // spec.finalizers changes only through the namespace controller's finalize step
    if (ctx.subresource !== '') return;
    const ns = obj as Namespace;
    const finalizers = (old as Namespace).spec?.finalizers;
    ns.spec = { ...ns.spec };
    if (finalizers === undefined) delete ns.spec.finalizers;
    else ns.spec.finalizers = finalizers;
  },
  validate: validateNamespace,
  validateUpdate: (obj, _old, ctx) =>
    ctx.subresource === 'status' ? validateStatus(obj) : validateNamespace(obj),
  canonicalize: (obj) => {
    // as kube: the name label follows the name, also for a name made from generateName
    const meta = (obj.metadata ??= {});
    meta.labels = { ...meta.labels, [METADATA_NAME_LABEL]: meta.name ?? '' };
  },
};

/** How the server serves namespaces (the host adds the storage that turns deletion into Terminating). */
export const namespaceResource: ResourceConfig = {
  group: '',
  resource: 'namespaces',
  strategy,
  // as kube: namespaces go one at a time, through termination, never by deletecollection
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  statusSubresource: true,
  selectableFields: ['status.phase'],
  getAttrs: (obj) => {
    const attrs = defaultClusterScopedAttrs(obj);
    const phase = (obj as Namespace).status?.phase ?? '';
    return { labels: attrs.labels, fields: { ...attrs.fields, 'status.phase': phase } };
  },
};

/** `kubectl get namespaces`: NAME, STATUS, AGE. */
export const namespacePrinter = printer(
  [NAME_COLUMN, { name: 'Status', description: 'The status of the namespace.' }, AGE_COLUMN],
  (obj, now) => [
    obj.metadata?.name ?? '',
    (obj as Namespace).status?.phase ?? '',
    timestampSince(obj.metadata?.creationTimestamp, now),
  ],
);
