/**
 * The admission stage of the write path. The admission chain (plugins, webhooks, policies) comes
 * from its own package; the server only calls this small interface, after decoding and defaulting
 * (mutating) and after the strategy's validation (validating), as kube-apiserver does.
 * @module
 */
import type { GroupVersionKind, GroupVersionResource, KubeObject } from '@kapi/apimachinery';
import type { UserInfo } from './handler.js';

/** The operation being admitted. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What an admission plugin sees (k8s.io/apiserver admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** The object after the write, `undefined` for DELETE. */
  object: KubeObject | undefined;
  /** The stored object, `undefined` for CREATE. */
  oldObject: KubeObject | undefined;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subresource: string;
  namespace: string;
  name: string;
  user: UserInfo | undefined;
  dryRun: boolean;
}

/** The admission chain as the server calls it. Both stages are optional. */
export interface Admission {
  /** May change the object (returns the object to continue with); throws a StatusError to reject. */
  mutate?(attributes: AdmissionAttributes): Promise<KubeObject>;
  /** Throws a StatusError to reject; must not change the object. */
  validate?(attributes: AdmissionAttributes): Promise<void>;
}
