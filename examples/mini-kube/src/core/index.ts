/**
 * The core/v1 API of mini-kube: the kinds in a scheme, how each resource is served, and how each
 * prints.
 * @module
 */
import { Scheme } from '@kapi/apimachinery';
import type { GroupDefinition } from '@kapi/apimachinery';
import type { ResourceConfig, TableConvertor } from '@kapi/server';
import { configMapKind, configMapPrinter, configMapResource } from './configmap.js';
import { eventKind, eventPrinter, eventResource } from './event.js';
import { namespaceKind, namespacePrinter, namespaceResource } from './namespace.js';
import { secretKind, secretPrinter, secretResource } from './secret.js';
import {
  serviceAccountKind,
  serviceAccountPrinter,
  serviceAccountResource,
} from './serviceaccount.js';

export { coreV1Protobuf } from './protobuf.js';

/** The core group (`/api/v1`). */
export const coreV1Group: GroupDefinition = {
  group: '',
  versions: ['v1'],
  // in kube's discovery order: by resource name
  kinds: [configMapKind, eventKind, namespaceKind, secretKind, serviceAccountKind],
};

/** A scheme with the core group. */
export function coreV1Scheme(): Scheme {
  return new Scheme({ name: 'mini-kube' }).addGroup(coreV1Group);
}

/** How the core resources are served (namespaces without the storage that makes deletion gradual). */
export const coreV1Resources: readonly ResourceConfig[] = [
  configMapResource,
  eventResource,
  namespaceResource,
  secretResource,
  serviceAccountResource,
];

/** The printers of the core resources, keyed `<resource>.<group>`. */
export const coreV1Printers: ReadonlyMap<string, TableConvertor> = new Map([
  ['namespaces.', namespacePrinter],
  ['configmaps.', configMapPrinter],
  ['secrets.', secretPrinter],
  ['serviceaccounts.', serviceAccountPrinter],
  ['events.', eventPrinter],
]);
