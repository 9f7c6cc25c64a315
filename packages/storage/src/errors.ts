/**
 * Errors raised by storage, in storage terms (keys, revisions). The registry turns them into API
 * Status errors with {@link interpretStorageError}, which knows the resource and name.
 * @module
 */
import {
  conflict,
  internalError,
  notFound,
  alreadyExists,
  serviceUnavailable,
} from '@kapi/apimachinery';
import type { GroupResource, StatusError } from '@kapi/apimachinery';

/** Why a storage operation failed (as k8s.io/apiserver pkg/storage errors.go). */
export type StorageErrorCode =
  | 'KeyNotFound'
  | 'KeyExists'
  | 'ResourceVersionConflicts'
  | 'InvalidObj'
  | 'InvalidKey'
  | 'Unreachable';

/** A storage failure: a code, the key it concerns, and a message. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    /** The revision involved, when there is one. */
    readonly resourceVersion = 0,
  ) {
    super(message);
    this.name = 'StorageError';
  }

  /** The key does not exist. */
  static keyNotFound(key: string, resourceVersion = 0): StorageError {
    return new StorageError('KeyNotFound', key, `Key not found: ${key}`, resourceVersion);
  }

  /** The key already exists. */
  static keyExists(key: string, resourceVersion = 0): StorageError {
    return new StorageError('KeyExists', key, `Key exists: ${key}`, resourceVersion);
  }

  /** A compare-and-swap lost. */
  static conflict(key: string, resourceVersion = 0): StorageError {
    return new StorageError(
      'ResourceVersionConflicts',
      key,
      `Compare failed: ${key}`,
      resourceVersion,
    );
  }

  /** A precondition or the object itself is wrong (e.g. `Precondition failed: UID in precondition: …`). */
  static invalidObj(key: string, message: string): StorageError {
    return new StorageError('InvalidObj', key, message);
  }

  /** The key is malformed or escapes the store's prefix. */
  static invalidKey(key: string, why: string): StorageError {
    return new StorageError('InvalidKey', key, `invalid key ${JSON.stringify(key)}: ${why}`);
  }

  /** The backend cannot be reached. */
  static unreachable(key: string, why: string): StorageError {
    return new StorageError('Unreachable', key, `storage is unreachable: ${why}`);
  }
}

/** True for a {@link StorageError} with the given code. */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/**
 * Maps a storage error to the API error a client sees for `resource`/`name` (as k8s.io/apiserver
 * pkg/storage interpretGetError and friends); anything that is not a StorageError passes through.
 */
export function interpretStorageError(err: unknown, gr: GroupResource, name: string): unknown {
  if (!(err instanceof StorageError)) return err;
  const mapped: StatusError = (() => {
    switch (err.code) {
      case 'KeyNotFound':
        return notFound(gr, name);
      case 'KeyExists':
        return alreadyExists(gr, name);
      case 'ResourceVersionConflicts':
        return conflict(gr, name);
      case 'InvalidObj':
        return conflict(gr, name, err.message);
      case 'Unreachable':
        return serviceUnavailable(err.message);
      case 'InvalidKey':
        return internalError(err);
    }
  })();
  return mapped;
}
