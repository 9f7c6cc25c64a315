/**
 * Classifying etcd client errors: compaction, future revisions, oversized requests, and
 * everything that means "etcd cannot be reached right now" (a 503 for the caller).
 * @module
 */
import {
  ClientClosedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
} from 'etcd3';
import { StatusError, requestEntityTooLarge } from '@kapi/apimachinery';
import { StorageError } from '@kapi/storage';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** etcd's ErrCompacted: the revision asked for is older than the last compaction. */
export function isCompactedError(err: unknown): boolean {
  return messageOf(err).includes('required revision has been compacted');
}

/** etcd's ErrFutureRev: the revision asked for has not happened yet. */
export function isFutureRevisionError(err: unknown): boolean {
  return messageOf(err).includes('required revision is a future revision');
}

/** Server-side conditions that clear by themselves (as clientv3's retriable codes). */
const transientServerMessages = [
  'etcdserver: request timed out',
  'etcdserver: no leader',
  'etcdserver: leader changed',
  'etcdserver: server stopped',
  'etcdserver: too many requests',
];

/** True for errors that mean etcd is down, unreachable or too slow to answer in time. */
export function isUnreachableError(err: unknown): boolean {
  if (
    err instanceof GRPCUnavailableError ||
    err instanceof GRPCDeadlineExceededError ||
    err instanceof GRPCCancelledError ||
    err instanceof ClientClosedError
  ) {
    return true;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 14 || code === 4) return true;
  const message = messageOf(err);
  return transientServerMessages.some((m) => message.includes(m));
}

/**
 * The error a store call rethrows for an etcd client failure: storage and Status errors pass
 * through, unreachable ones become `StorageError.unreachable` (503 for the client), an oversized
 * value a 413, anything else is returned as it is.
 */
export function interpretEtcdError(err: unknown, key: string): unknown {
  if (err instanceof StorageError || err instanceof StatusError) return err;
  if (isUnreachableError(err)) return StorageError.unreachable(key, messageOf(err));
  if (messageOf(err).includes('etcdserver: request is too large')) {
    // etcd refuses values over its --max-request-bytes (1.5 MiB by default)
    return requestEntityTooLarge('limit is 1572864 bytes, as etcd refused the object');
  }
  return err;
}
