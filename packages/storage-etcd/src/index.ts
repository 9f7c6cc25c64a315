/**
 * `@kapi/storage-etcd`: the Kapi storage interface on etcd v3, laid out as kube-apiserver lays
 * out its keys (`/registry/<group>/<resource>/<namespace>/<name>`).
 * @packageDocumentation
 */
export { EtcdStorage } from './store.js';
export type { EtcdStorageOptions } from './store.js';
export { newEtcdClient } from './client.js';
export type { EtcdClientOptions } from './client.js';
