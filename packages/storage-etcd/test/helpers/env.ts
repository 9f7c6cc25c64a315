/**
 * Which etcd the tests use: the shared one from KAPI_TEST_ETCD_ENDPOINTS, or private ones started
 * from the etcd binary. Without them the tests skip, unless KAPI_TEST_REQUIRE_ETCD=1 (CI), where
 * they fail.
 */
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { EtcdStorage } from '../../src/index.js';
import type { EtcdStorageOptions } from '../../src/index.js';
import { findEtcdBinary } from './etcd-process.js';

const endpointsVariable = process.env.KAPI_TEST_ETCD_ENDPOINTS ?? '';
const required = process.env.KAPI_TEST_REQUIRE_ETCD === '1';

/** The shared etcd's client URLs, empty when none is configured. */
export const sharedEndpoints: string[] = endpointsVariable
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');

/**
 * The skip reason for tests on the shared etcd, or false to run them. When etcd is required but
 * missing, registers a failing test so the run cannot pass silently.
 */
export function sharedEtcdSkip(): string | false {
  if (sharedEndpoints.length > 0) return false;
  if (required) {
    it('needs KAPI_TEST_ETCD_ENDPOINTS', () => {
      throw new Error('KAPI_TEST_REQUIRE_ETCD=1 but KAPI_TEST_ETCD_ENDPOINTS is not set');
    });
  }
  return 'KAPI_TEST_ETCD_ENDPOINTS is not set, so there is no etcd to test against';
}

/** The skip reason for tests that start their own etcd process, or false to run them. */
export async function privateEtcdSkip(): Promise<string | false> {
  if ((await findEtcdBinary()) !== undefined) return false;
  if (required) {
    it('needs the etcd binary', () => {
      throw new Error('KAPI_TEST_REQUIRE_ETCD=1 but no etcd binary is on the PATH');
    });
  }
  return 'no etcd binary on the PATH (set KAPI_TEST_ETCD_BINARY), so no private etcd can be started';
}

/** A unique prefix, so tests sharing one etcd never see each other's keys. */
export function uniquePrefix(): string {
  return `/kapi-test/${randomUUID()}`;
}

/** A store on `endpoints` under a fresh prefix, with short bounds for tests. */
export function newTestStore(
  endpoints: string | readonly string[],
  options: Partial<EtcdStorageOptions> = {},
): EtcdStorage {
  return new EtcdStorage({
    endpoints,
    prefix: uniquePrefix(),
    requestTimeoutMs: 3000,
    freshnessTimeoutMs: 300,
    ...options,
  });
}
