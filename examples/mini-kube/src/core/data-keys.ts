/**
 * The keys and size of ConfigMap and Secret data, validated as kube does (k8s.io/apimachinery
 * pkg/util/validation IsConfigMapKey; k8s.io/kubernetes pkg/apis/core/validation ValidateConfigMap).
 * @module
 */
import {
  byteLength,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  fieldError,
  fieldPath,
  maxLenError,
  regexError,
} from '@kapi/apimachinery';
import type { FieldError } from '@kapi/apimachinery';

/** The most data a ConfigMap or Secret may hold, in bytes (kube's core.MaxSecretSize). */
export const MAX_DATA_BYTES = 1024 * 1024;

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_KEY = new RegExp(`^${CONFIG_KEY_FMT}$`);

/** Why `key` cannot name a ConfigMap or Secret entry (it becomes a file name in a volume). */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (byteLength(key) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  }
  if (!CONFIG_KEY.test(key)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Field errors for every bad key of a data map at `path` (`data[key]`). */
export function validateDataKeys(
  map: Readonly<Record<string, unknown>>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(map)) {
    for (const msg of isConfigMapKey(key)) {
      errs.push(fieldError.invalid(fieldPath(path).key(key).toString(), key, msg));
    }
  }
  return errs;
}

/** The bytes a text map holds (`map[string]string`). */
export function textBytes(map: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const value of Object.values(map ?? {})) total += byteLength(value);
  return total;
}

/** The bytes a base64 map holds (`map[string][]byte`, canonical base64 values). */
export function binaryBytes(map: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const value of Object.values(map ?? {})) total += Buffer.byteLength(value, 'base64');
  return total;
}
