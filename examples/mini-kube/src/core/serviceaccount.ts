/**
 * core/v1 ServiceAccount: an identity for processes, with the secrets it may use (as kube:
 * k8s.io/kubernetes pkg/registry/core/serviceaccount strategy.go). Its token subresource arrives
 * with authentication.
 * @module
 */
import type { KindDefinition, KubeObject } from '@kapi/apimachinery';
import type { ResourceConfig, ResourceStrategy } from '@kapi/server';
import { AGE_COLUMN, countOf, NAME_COLUMN, printer, timestampSince } from '../printers.js';
import { validateMetadataFinalizers } from './finalizers.js';
import {
  boolean,
  definition,
  kindSchema,
  localObjectReference,
  objectReference,
} from './schema.js';

/** ServiceAccount in the scheme. */
export const serviceAccountKind: KindDefinition = {
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  namespaced: true,
  versions: {
    v1: {
      schema: kindSchema(
        'An identity for processes that talk to the API server.',
        {
          automountServiceAccountToken: boolean(
            'Whether pods running as this account get an API token mounted by default.',
          ),
          imagePullSecrets: {
            type: 'array',
            description: 'Secrets in this namespace that pods of this account use to pull images.',
            items: definition('LocalObjectReference'),
            'x-kubernetes-list-type': 'atomic',
          },
          secrets: {
            type: 'array',
            description: 'Secrets in this namespace that pods of this account may use, by name.',
            items: definition('ObjectReference'),
            'x-kubernetes-list-map-keys': ['name'],
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-patch-merge-key': 'name',
            'x-kubernetes-patch-strategy': 'merge',
          },
        },
        {
          definitions: {
            LocalObjectReference: localObjectReference,
            ObjectReference: objectReference,
          },
        },
      ),
    },
  },
};

// as kube's cleanSecretReferences: a secret is referred to by name only
function cleanSecretReferences(obj: KubeObject): void {
  const secrets = obj.secrets;
  if (!Array.isArray(secrets)) return;
  obj.secrets = secrets.map((s: unknown) =>
    typeof s === 'object' && s !== null && 'name' in s ? { name: s.name } : {},
  );
}

const strategy: ResourceStrategy = {
  trackGeneration: false,
  allowUnconditionalUpdate: true,
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: cleanSecretReferences,
  validate: validateMetadataFinalizers,
  validateUpdate: validateMetadataFinalizers,
};

/** How the server serves serviceaccounts. */
export const serviceAccountResource: ResourceConfig = {
  group: '',
  resource: 'serviceaccounts',
  strategy,
};

/** `kubectl get serviceaccounts`: NAME, SECRETS, AGE. */
export const serviceAccountPrinter = printer(
  [
    NAME_COLUMN,
    { name: 'Secrets', description: 'The number of secrets the account may use.' },
    AGE_COLUMN,
  ],
  (obj, now) => [
    obj.metadata?.name ?? '',
    countOf(obj.secrets),
    timestampSince(obj.metadata?.creationTimestamp, now),
  ],
);
