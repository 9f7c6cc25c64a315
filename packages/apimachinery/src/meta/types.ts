/**
 * The meta/v1 types of Kubernetes (k8s.io/apimachinery/pkg/apis/meta/v1), as they appear on the wire in JSON.
 * Optional fields are those Kubernetes marks `omitempty`.
 * @module
 */

/** Time as RFC 3339 with second precision, e.g. `2024-01-02T03:04:05Z`. */
export type Time = string;
/** Time as RFC 3339 with microsecond precision, e.g. `2024-01-02T03:04:05.000000Z`. */
export type MicroTime = string;

/** apiVersion and kind, carried by every top-level object. */
export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

/** Identifies an object that owns this one (garbage collection, controllers). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The fields a manager owns, as a structured-merge-diff `FieldsV1` set. */
export type FieldsV1 = Record<string, unknown>;

/** One manager's ownership record in `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager?: string;
  /** `Apply` or `Update`. */
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: Time;
  /** Always `FieldsV1` today. */
  fieldsType?: string;
  fieldsV1?: FieldsV1;
  /** The subresource the write went through (`status`, `scale`), empty for the main resource. */
  subresource?: string;
}

/** Metadata that every persisted object carries. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  /** Deprecated and never set by kube-apiserver since 1.20; kept for wire compatibility. */
  selfLink?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: Time | null;
  deletionTimestamp?: Time | null;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** Metadata of a list response. */
export interface ListMeta {
  selfLink?: string;
  resourceVersion?: string;
  /** Opaque token for the next page; empty on the last page. */
  continue?: string;
  /** An estimate of the items left after this page (only when a limit was set and the list is not filtered). */
  remainingItemCount?: number;
}

/** Any top-level object: TypeMeta plus ObjectMeta; the rest is the kind's own business. */
export interface KubeObject extends TypeMeta {
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A list of objects of one kind. */
export interface KubeList<T = KubeObject> extends TypeMeta {
  metadata: ListMeta;
  items: T[];
}

/** One reason a request failed, with the field it concerns. */
export interface StatusCause {
  /** A machine-readable reason, e.g. `FieldValueInvalid`. */
  reason?: CauseType | (string & {});
  message?: string;
  /** The field path, e.g. `metadata.name` or `spec.containers[0].image`. */
  field?: string;
}

/** The well-known `StatusCause.reason` values (k8s.io/apimachinery metav1 CauseType). */
export type CauseType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid'
  | 'UnexpectedServerResponse'
  | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge';

/** Extra detail of a Status: which object, and why. */
export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (plural, lower case) or kind the error concerns. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The well-known `Status.reason` values (k8s.io/apimachinery metav1 StatusReason). */
export type StatusReason =
  | ''
  | 'Unknown'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'StoreReadError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

/** The result of an operation that does not return an object, and the body of every error. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code?: number;
}

/** The type of one watch event. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One event of a watch stream: an object, or a Status for `ERROR`. */
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T | Status;
}

/** Maps a client's network to the address it should use for the server. */
export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

/** The answer to `GET /api`: the legacy core group's versions. */
export interface APIVersions extends TypeMeta {
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

/** A group/version pair as discovery lists it. */
export interface GroupVersionForDiscovery {
  /** `group/version`, or `version` for the core group. */
  groupVersion: string;
  version: string;
}

/** One API group in discovery. */
export interface APIGroup extends TypeMeta {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion?: GroupVersionForDiscovery;
  serverAddressByClientCIDRs?: ServerAddressByClientCIDR[];
}

/** The answer to `GET /apis`. */
export interface APIGroupList extends TypeMeta {
  groups: APIGroup[];
}

/** One resource of a group/version in discovery. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** The answer to `GET /api/v1` or `GET /apis/<group>/<version>`. */
export interface APIResourceList extends TypeMeta {
  groupVersion: string;
  resources: APIResource[];
}

/** One column of a server-side printed Table. */
export interface TableColumnDefinition {
  name: string;
  /** An OpenAPI type: `integer`, `number`, `string`, `boolean`, `date`. */
  type: string;
  format: string;
  description: string;
  /** 0 is the most important; kubectl shows columns above 0 only with `-o wide`. */
  priority: number;
}

/** One row of a Table. */
export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  /** The object the row prints: PartialObjectMetadata by default, the full object with `includeObject=Object`. */
  object?: KubeObject;
}

/** A server-side printed table (meta.k8s.io/v1 Table). */
export interface Table extends TypeMeta {
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** An object reduced to its metadata (meta.k8s.io/v1 PartialObjectMetadata). */
export interface PartialObjectMetadata extends TypeMeta {
  metadata: ObjectMeta;
}

/** A list of PartialObjectMetadata. */
export interface PartialObjectMetadataList extends TypeMeta {
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}

/** Conditions a write applies only if they still hold. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** How dependents are treated when an owner is deleted. */
export type DeletionPropagation = 'Orphan' | 'Background' | 'Foreground';

/** Options of a DELETE. */
export interface DeleteOptions extends TypeMeta {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  /** Deprecated in favour of propagationPolicy. */
  orphanDependents?: boolean;
  propagationPolicy?: DeletionPropagation;
  dryRun?: string[];
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean;
}

/** How `resourceVersion` is to be read on a list. */
export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

/** Options of a LIST or WATCH (query parameters). */
export interface ListOptions extends TypeMeta {
  labelSelector?: string;
  fieldSelector?: string;
  watch?: boolean;
  allowWatchBookmarks?: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  timeoutSeconds?: number;
  limit?: number;
  continue?: string;
  sendInitialEvents?: boolean;
}

/** Options of a GET. */
export interface GetOptions extends TypeMeta {
  resourceVersion?: string;
}

/** Field validation directives for writes. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Options of a POST. */
export interface CreateOptions extends TypeMeta {
  dryRun?: string[];
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

/** Options of a PUT. */
export interface UpdateOptions extends TypeMeta {
  dryRun?: string[];
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

/** Options of a PATCH. */
export interface PatchOptions extends TypeMeta {
  dryRun?: string[];
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

/** The operator of a label selector requirement. */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One requirement of a structured label selector. */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** A structured label selector, as objects embed it (e.g. `spec.selector`). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}
