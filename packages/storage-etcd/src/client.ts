/**
 * Building the etcd3 client Kapi uses: no hidden retries or circuit breakers (the store decides
 * what to retry and bounds every call with a deadline), short gRPC reconnect backoff so a
 * restarted etcd is picked up within a second, and no receive-size cap on large lists.
 * @module
 */
import { Etcd3 } from 'etcd3';
import type { IOptions } from 'etcd3';

/** How to reach etcd. */
export interface EtcdClientOptions {
  /** Client URLs, e.g. `http://127.0.0.1:2379`; `https://` ones use TLS. */
  endpoints: string | readonly string[];
  /** TLS material for `https://` endpoints. */
  credentials?: NonNullable<IOptions['credentials']>;
  /** User and password when etcd has auth enabled. */
  auth?: NonNullable<IOptions['auth']>;
  /** Longest wait between two gRPC reconnect attempts in milliseconds (default 1000). */
  maxReconnectBackoffMs?: number;
}

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const neverAborted = new AbortController().signal;

/** A policy that runs the call once and lets its error through: the store owns retries. */
function passthroughPolicy(): Policy {
  const noEvent = () => ({ dispose: () => undefined });
  // `_altReturn` exists only in cockatiel's types, so it is left out and the type asserted
  const policy: Omit<Policy, '_altReturn'> = {
    onSuccess: noEvent,
    onFailure: noEvent,
    execute: async (fn, signal) => await fn({ signal: signal ?? neverAborted }),
  };
  return policy as Policy;
}

/**
 * A new etcd3 client configured for Kapi. Share one between several stores of a process with
 * `EtcdStorage`'s `client` option; whoever creates it closes it.
 */
export function newEtcdClient(options: EtcdClientOptions): Etcd3 {
  const maxBackoff = options.maxReconnectBackoffMs ?? 1000;
  const clientOptions: IOptions = {
    hosts: typeof options.endpoints === 'string' ? options.endpoints : [...options.endpoints],
    faultHandling: { host: () => passthroughPolicy(), global: passthroughPolicy() },
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': Math.min(100, maxBackoff),
      'grpc.max_reconnect_backoff_ms': maxBackoff,
      // as kube's etcd client: keepalive pings find a dead peer behind a silent connection
      // (k8s.io/apiserver pkg/storage/storagebackend/factory/etcd3.go keepaliveTime/keepaliveTimeout)
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.max_receive_message_length': -1,
    },
  };
  if (options.credentials !== undefined) clientOptions.credentials = options.credentials;
  if (options.auth !== undefined) clientOptions.auth = options.auth;
  return new Etcd3(clientOptions);
}
