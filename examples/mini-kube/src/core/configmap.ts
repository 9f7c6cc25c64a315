/**
 * core/v1 ConfigMap: configuration data for workloads, as text (`data`) or bytes (`binaryData`),
 * optionally immutable (as kube: k8s.io/kubernetes pkg/registry/core/configmap and
 * pkg/apis/core/validation ValidateConfigMap, ValidateConfigMapUpdate).
 * @module
 */
import { fieldError, fieldPath } from '@kapi/apimachinery';
import type { FieldError, KindDefinition, KubeObject } from '@kapi/apimachinery';
import type { ResourceConfig, ResourceStrategy } from '@kapi/server';
import { isDeepStrictEqual } from 'node:util';
import { AGE_COLUMN, countOf, NAME_COLUMN, printer, timestampSince } from '../printers.js';
import { canonicalizeBytesMap } from './bytes.js';
import { binaryBytes, MAX_DATA_BYTES, textBytes, validateDataKeys } from './data-keys.js';
import { validateMetadataFinalizers } from './finalizers.js';
import { boolean, bytesMap, kindSchema, stringMap } from './schema.js';

/** The message kube gives for any change to an immutable ConfigMap or Secret. */
export const IMMUTABLE_DETAIL = 'field is immutable when `immutable` is set';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** ConfigMap in the scheme: its schema and its decoding of `binaryData`. */
export const configMapKind: KindDefinition = {
  kind: 'ConfigMap',
  plural: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  versions: {
    v1: {
      schema: kindSchema('Configuration data for workloads to consume.', {
        binaryData: bytesMap(
          'Binary entries, base64 in JSON. Keys are those of data too and may not repeat one.',
        ),
        data: stringMap(
          'Text entries. Keys consist of alphanumerics, "-", "_" or "." and may not repeat a binaryData key.',
        ),
        immutable: boolean(
          'When true, data and binaryData can no longer change; only metadata can. It cannot be unset.',
        ),
      }),
      default: (obj) => {
        canonicalizeBytesMap(obj, 'binaryData');
        dropEmpty(obj, 'data');
        dropEmpty(obj, 'binaryData');
      },
    },
  },
};

/** Drops an empty map: Go writes none for it (`omitempty`), so kube never shows one. */
export function dropEmpty(obj: KubeObject, field: string): void {
  const value = obj[field];
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) {
    Reflect.deleteProperty(obj, field);
  }
}

function validateConfigMap(obj: KubeObject): FieldError[] {
  const cm = obj as ConfigMap;
  const errs = [
    ...validateMetadataFinalizers(cm),
    ...validateDataKeys(cm.data ?? {}, 'data'),
    ...validateDataKeys(cm.binaryData ?? {}, 'binaryData'),
  ];
  for (const key of Object.keys(cm.data ?? {})) {
    if (Object.hasOwn(cm.binaryData ?? {}, key)) {
      errs.push(
        fieldError.invalid(
          fieldPath('data').key(key).toString(),
          key,
          'duplicate of key present in binaryData',
        ),
      );
    }
  }
  if (textBytes(cm.data) + binaryBytes(cm.binaryData) > MAX_DATA_BYTES) {
    // as kube: the whole object is too large, reported at an empty path
    errs.push(fieldError.tooLong(fieldPath('').toString(), '', MAX_DATA_BYTES));
  }
  return errs;
}

/** The fields an immutable ConfigMap or Secret may no longer change. */
export function validateImmutable(
  obj: KubeObject,
  old: KubeObject,
  fields: readonly string[],
): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(fieldError.forbidden('immutable', IMMUTABLE_DETAIL));
  for (const field of fields) {
    if (!isDeepStrictEqual(obj[field] ?? {}, old[field] ?? {})) {
      errs.push(fieldError.forbidden(field, IMMUTABLE_DETAIL));
    }
  }
  return errs;
}

const strategy: ResourceStrategy = {
  // as kube: ConfigMaps have no generation, and an update need not name a resourceVersion
  trackGeneration: false,
  allowUnconditionalUpdate: true,
  validate: validateConfigMap,
  validateUpdate: (obj, old) => [
    ...validateImmutable(obj, old, ['data', 'binaryData']),
    ...validateConfigMap(obj),
  ],
};

/** How the server serves configmaps. */
export const configMapResource: ResourceConfig = { group: '', resource: 'configmaps', strategy };

/** `kubectl get configmaps`: NAME, DATA, AGE. */
export const configMapPrinter = printer(
  [
    NAME_COLUMN,
    { name: 'Data', description: 'The number of entries in data and binaryData.' },
    AGE_COLUMN,
  ],
  (obj, now) => [
    obj.metadata?.name ?? '',
    countOf(obj.data) + countOf(obj.binaryData),
    timestampSince(obj.metadata?.creationTimestamp, now),
  ],
);
