/**
 * core/v1 Secret: sensitive data as bytes, with a type that may demand certain keys. `stringData`
 * is a write-only convenience folded into `data` and never stored (as kube: k8s.io/kubernetes
 * pkg/apis/core/v1 conversion.go and defaults.go, pkg/apis/core/validation ValidateSecret,
 * ValidateSecretUpdate).
 * @module
 */
import {
  decodeJson,
  defaultNamespaceScopedAttrs,
  FIELD_IMMUTABLE_ERROR_MSG,
  fieldError,
  fieldPath,
  StatusError,
} from '@kapi/apimachinery';
import type { FieldError, KindDefinition, KubeObject } from '@kapi/apimachinery';
import type { ResourceConfig, ResourceStrategy } from '@kapi/server';
import { AGE_COLUMN, countOf, NAME_COLUMN, printer, timestampSince } from '../printers.js';
import { canonicalizeBytesMap } from './bytes.js';
import { dropEmpty, validateImmutable } from './configmap.js';
import { binaryBytes, MAX_DATA_BYTES, validateDataKeys } from './data-keys.js';
import { validateMetadataFinalizers } from './finalizers.js';
import { boolean, bytesMap, kindSchema, string, stringMap } from './schema.js';

interface Secret extends KubeObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

/** The secret types kube knows and the keys each requires. */
export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

/** Secret in the scheme: its schema, the decoding of `data`, `stringData` folded in, `type` defaulted. */
export const secretKind: KindDefinition = {
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  versions: {
    v1: {
      schema: kindSchema('Sensitive data, such as a password, a token or a key.', {
        data: bytesMap(
          'The secret entries, base64 in JSON. Keys consist of alphanumerics, "-", "_" or ".".',
        ),
        immutable: boolean('When true, data can no longer change; only metadata can.'),
        stringData: stringMap(
          'Write-only entries given as text; each is stored in data under its key, replacing what data has there. Never read back.',
        ),
        type: string(
          'What the secret is for, which decides the keys it must have. Default Opaque.',
        ),
      }),
      default: (obj) => {
        const secret = obj as Secret;
        // as kube: decoding checks data first; conversion then folds stringData over it
        canonicalizeBytesMap(secret, 'data');
        if (secret.stringData !== undefined && secret.stringData !== null) {
          const data = (secret.data ??= {});
          for (const [key, value] of Object.entries(secret.stringData)) {
            if (typeof value === 'string')
              data[key] = Buffer.from(value, 'utf8').toString('base64');
          }
        }
        delete secret.stringData;
        dropEmpty(secret, 'data');
        if (secret.type === undefined || secret.type === '') secret.type = SECRET_TYPES.opaque;
      },
    },
  },
};

/** What Go's json.Unmarshal into a map says about a docker config that is not a JSON object. */
function dockerConfigError(bytes: Buffer): string | undefined {
  let value: unknown;
  try {
    value = decodeJson(bytes);
  } catch (err) {
    return err instanceof StatusError ? err.message : 'invalid JSON';
  }
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined;
  const goKind = Array.isArray(value)
    ? 'array'
    : typeof value === 'boolean'
      ? 'bool'
      : typeof value;
  return `json: cannot unmarshal ${goKind} into Go value of type map[string]interface {}`;
}

function validateType(secret: Secret): FieldError[] {
  const data = secret.data ?? {};
  const dataKey = (key: string) => fieldPath('data').key(key).toString();
  const has = (key: string) => Object.hasOwn(data, key);
  switch (secret.type) {
    case SECRET_TYPES.serviceAccountToken: {
      const name = 'kubernetes.io/service-account.name';
      if ((secret.metadata?.annotations?.[name] ?? '') === '') {
        return [fieldError.required(fieldPath('metadata', 'annotations').key(name).toString())];
      }
      return [];
    }
    case SECRET_TYPES.dockercfg:
    case SECRET_TYPES.dockerConfigJson: {
      const key = secret.type === SECRET_TYPES.dockercfg ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) return [fieldError.required(dataKey(key))];
      const problem = dockerConfigError(Buffer.from(data[key]!, 'base64'));
      return problem === undefined
        ? []
        : [fieldError.invalid(dataKey(key), '<secret contents redacted>', problem)];
    }
    case SECRET_TYPES.basicAuth:
      // either may be empty, but one of them must be there
      return has('username') || has('password')
        ? []
        : [fieldError.required(dataKey('username')), fieldError.required(dataKey('password'))];
    case SECRET_TYPES.sshAuth:
      return (data['ssh-privatekey'] ?? '') === ''
        ? [fieldError.required(dataKey('ssh-privatekey'))]
        : [];
    case SECRET_TYPES.tls:
      return [
        ...(has('tls.crt') ? [] : [fieldError.required(dataKey('tls.crt'))]),
        ...(has('tls.key') ? [] : [fieldError.required(dataKey('tls.key'))]),
      ];
    default:
      return [];
  }
}

function validateSecret(obj: KubeObject): FieldError[] {
  const secret = obj as Secret;
  const errs = [
    ...validateMetadataFinalizers(secret),
    ...validateDataKeys(secret.data ?? {}, 'data'),
  ];
  if (binaryBytes(secret.data) > MAX_DATA_BYTES) {
    errs.push(fieldError.tooLong('data', '', MAX_DATA_BYTES));
  }
  errs.push(...validateType(secret));
  return errs;
}

const strategy: ResourceStrategy = {
  trackGeneration: false,
  allowUnconditionalUpdate: true,
  validate: validateSecret,
  validateUpdate: (obj, old) => [
    ...(obj.type === old.type
      ? []
      : [fieldError.invalid('type', obj.type, FIELD_IMMUTABLE_ERROR_MSG)]),
    ...validateImmutable(obj, old, ['data']),
    ...validateSecret(obj),
  ],
};

/** How the server serves secrets: `type` is a selectable field (`--field-selector type=Opaque`). */
export const secretResource: ResourceConfig = {
  group: '',
  resource: 'secrets',
  strategy,
  selectableFields: ['type'],
  getAttrs: (obj) => {
    const attrs = defaultNamespaceScopedAttrs(obj);
    return {
      labels: attrs.labels,
      fields: { ...attrs.fields, type: typeof obj.type === 'string' ? obj.type : '' },
    };
  },
};

/** `kubectl get secrets`: NAME, TYPE, DATA, AGE. */
export const secretPrinter = printer(
  [
    NAME_COLUMN,
    { name: 'Type', description: 'What the secret is for.' },
    { name: 'Data', description: 'The number of entries in data.' },
    AGE_COLUMN,
  ],
  (obj, now) => [
    obj.metadata?.name ?? '',
    obj.type ?? '',
    countOf(obj.data),
    timestampSince(obj.metadata?.creationTimestamp, now),
  ],
);
