/**
 * Descriptors of the Kubernetes messages every kind embeds: meta/v1, runtime, resource.Quantity and
 * intstr.IntOrString. Written from the field tables of k8s.io/apimachinery v0.32 (`generated.proto`,
 * cross-checked with `generated.pb.go`), as plain data.
 * @module
 */
import { protoListFields, protoMessages, type ProtobufDescriptor } from './define.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

/** Full names of the messages with a built-in JSON conversion or a role in the envelope. */
export const MESSAGE = {
  Time: `${META}.Time`,
  MicroTime: `${META}.MicroTime`,
  Duration: `${META}.Duration`,
  FieldsV1: `${META}.FieldsV1`,
  Verbs: `${META}.Verbs`,
  Status: `${META}.Status`,
  WatchEvent: `${META}.WatchEvent`,
  RawExtension: `${RUNTIME}.RawExtension`,
  Unknown: `${RUNTIME}.Unknown`,
  IntOrString: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  Quantity: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
} as const;

const noOmit = { omitempty: false } as const;
const dryRun = [1, '[]string'] as const;

/** The built-in descriptors, loaded into every {@link ProtobufRegistry}. */
export const KUBERNETES_PROTOBUF_DESCRIPTORS: ProtobufDescriptor = protoMessages({
  // k8s.io/apimachinery pkg/runtime/generated.proto
  [`${RUNTIME}.TypeMeta`]: { apiVersion: [1, 'string'], kind: [2, 'string'] },
  [`${RUNTIME}.Unknown`]: {
    typeMeta: [1, `${RUNTIME}.TypeMeta`],
    raw: [2, 'bytes'],
    contentEncoding: [3, 'string'],
    contentType: [4, 'string'],
  },
  [`${RUNTIME}.RawExtension`]: { raw: [1, 'bytes'] },

  // pkg/api/resource, pkg/util/intstr
  [MESSAGE.Quantity]: { string: [1, 'string'] },
  [MESSAGE.IntOrString]: { type: [1, 'int64'], intVal: [2, 'int32'], strVal: [3, 'string'] },

  // pkg/apis/meta/v1/generated.proto
  [`${META}.Time`]: { seconds: [1, 'int64'], nanos: [2, 'int32'] },
  [`${META}.MicroTime`]: { seconds: [1, 'int64'], nanos: [2, 'int32'] },
  [`${META}.Duration`]: { duration: [1, 'int64'] },
  [`${META}.TypeMeta`]: { kind: [1, 'string'], apiVersion: [2, 'string'] },
  [`${META}.ObjectMeta`]: {
    name: [1, 'string'],
    generateName: [2, 'string'],
    namespace: [3, 'string'],
    selfLink: [4, 'string'],
    uid: [5, 'string'],
    resourceVersion: [6, 'string'],
    generation: [7, 'int64'],
    creationTimestamp: [8, 'Time'],
    deletionTimestamp: [9, '*Time'],
    deletionGracePeriodSeconds: [10, '*int64'],
    labels: [11, 'map<string,string>'],
    annotations: [12, 'map<string,string>'],
    ownerReferences: [13, '[]OwnerReference'],
    finalizers: [14, '[]string'],
    managedFields: [17, '[]ManagedFieldsEntry'],
  },
  [`${META}.ListMeta`]: {
    selfLink: [1, 'string'],
    resourceVersion: [2, 'string'],
    continue: [3, 'string'],
    remainingItemCount: [4, '*int64'],
  },
  [`${META}.OwnerReference`]: {
    apiVersion: [5, 'string', noOmit],
    kind: [1, 'string', noOmit],
    name: [3, 'string', noOmit],
    uid: [4, 'string', noOmit],
    controller: [6, '*bool'],
    blockOwnerDeletion: [7, '*bool'],
  },
  [`${META}.ManagedFieldsEntry`]: {
    manager: [1, 'string'],
    operation: [2, 'string'],
    apiVersion: [3, 'string'],
    time: [4, '*Time'],
    fieldsType: [6, 'string'],
    fieldsV1: [7, '*FieldsV1'],
    subresource: [8, 'string'],
  },
  [`${META}.FieldsV1`]: { Raw: [1, 'bytes'] },
  [`${META}.Status`]: {
    metadata: [1, 'ListMeta'],
    status: [2, 'string'],
    message: [3, 'string'],
    reason: [4, 'string'],
    details: [5, '*StatusDetails'],
    code: [6, 'int32'],
  },
  [`${META}.StatusDetails`]: {
    name: [1, 'string'],
    group: [2, 'string'],
    kind: [3, 'string'],
    uid: [6, 'string'],
    causes: [4, '[]StatusCause'],
    retryAfterSeconds: [5, 'int32'],
  },
  [`${META}.StatusCause`]: { reason: [1, 'string'], message: [2, 'string'], field: [3, 'string'] },
  [`${META}.LabelSelector`]: {
    matchLabels: [1, 'map<string,string>'],
    matchExpressions: [2, '[]LabelSelectorRequirement'],
  },
  [`${META}.LabelSelectorRequirement`]: {
    key: [1, 'string', noOmit],
    operator: [2, 'string', noOmit],
    values: [3, '[]string'],
  },
  [`${META}.FieldSelectorRequirement`]: {
    key: [1, 'string', noOmit],
    operator: [2, 'string', noOmit],
    values: [3, '[]string'],
  },
  [`${META}.Condition`]: {
    type: [1, 'string', noOmit],
    status: [2, 'string', noOmit],
    observedGeneration: [3, 'int64'],
    lastTransitionTime: [4, 'Time', noOmit],
    reason: [5, 'string', noOmit],
    message: [6, 'string', noOmit],
  },
  [`${META}.DeleteOptions`]: {
    gracePeriodSeconds: [1, '*int64'],
    preconditions: [2, '*Preconditions'],
    orphanDependents: [3, '*bool'],
    propagationPolicy: [4, '*string'],
    dryRun: [5, '[]string'],
    ignoreStoreReadErrorWithClusterBreakingPotential: [6, '*bool'],
  },
  [`${META}.Preconditions`]: { uid: [1, '*string'], resourceVersion: [2, '*string'] },
  [`${META}.CreateOptions`]: {
    dryRun,
    fieldManager: [3, 'string'],
    fieldValidation: [4, 'string'],
  },
  [`${META}.UpdateOptions`]: {
    dryRun,
    fieldManager: [2, 'string'],
    fieldValidation: [3, 'string'],
  },
  [`${META}.PatchOptions`]: {
    dryRun,
    force: [2, '*bool'],
    fieldManager: [3, 'string'],
    fieldValidation: [4, 'string'],
  },
  [`${META}.GetOptions`]: { resourceVersion: [1, 'string'] },
  [`${META}.ListOptions`]: {
    labelSelector: [1, 'string'],
    fieldSelector: [2, 'string'],
    watch: [3, 'bool'],
    allowWatchBookmarks: [9, 'bool'],
    resourceVersion: [4, 'string'],
    resourceVersionMatch: [10, 'string'],
    timeoutSeconds: [5, '*int64'],
    limit: [7, 'int64'],
    continue: [8, 'string'],
    sendInitialEvents: [11, '*bool'],
  },
  [`${META}.WatchEvent`]: { type: [1, 'string', noOmit], object: [2, 'RawExtension', noOmit] },
  [`${META}.List`]: { metadata: [1, 'ListMeta'], items: [2, '[]RawExtension', noOmit] },
  [`${META}.PartialObjectMetadata`]: { metadata: [1, 'ObjectMeta'] },
  [`${META}.PartialObjectMetadataList`]: protoListFields(`${META}.PartialObjectMetadata`),

  // discovery documents
  [`${META}.APIVersions`]: {
    versions: [1, '[]string', noOmit],
    serverAddressByClientCIDRs: [2, '[]ServerAddressByClientCIDR', noOmit],
  },
  [`${META}.APIGroupList`]: { groups: [1, '[]APIGroup', noOmit] },
  [`${META}.APIGroup`]: {
    name: [1, 'string', noOmit],
    versions: [2, '[]GroupVersionForDiscovery', noOmit],
    preferredVersion: [3, 'GroupVersionForDiscovery'],
    serverAddressByClientCIDRs: [4, '[]ServerAddressByClientCIDR'],
  },
  [`${META}.GroupVersionForDiscovery`]: {
    groupVersion: [1, 'string', noOmit],
    version: [2, 'string', noOmit],
  },
  [`${META}.ServerAddressByClientCIDR`]: {
    clientCIDR: [1, 'string', noOmit],
    serverAddress: [2, 'string', noOmit],
  },
  [`${META}.APIResourceList`]: {
    groupVersion: [1, 'string', noOmit],
    resources: [2, '[]APIResource', noOmit],
  },
  [`${META}.APIResource`]: {
    name: [1, 'string', noOmit],
    singularName: [6, 'string', noOmit],
    namespaced: [2, 'bool', noOmit],
    group: [8, 'string'],
    version: [9, 'string'],
    kind: [3, 'string', noOmit],
    verbs: [4, 'Verbs', noOmit],
    shortNames: [5, '[]string'],
    categories: [7, '[]string'],
    storageVersionHash: [10, 'string'],
  },
  [`${META}.Verbs`]: { items: [1, '[]string'] },
});

/**
 * Kinds meta/v1 registers in every group version (k8s.io/apimachinery pkg/apis/meta/v1 register.go
 * AddToGroupVersion: the options kinds and WatchEvent), with their message names.
 */
export const KINDS_IN_EVERY_GROUP_VERSION: Readonly<Record<string, string>> = {
  WatchEvent: `${META}.WatchEvent`,
  ListOptions: `${META}.ListOptions`,
  GetOptions: `${META}.GetOptions`,
  DeleteOptions: `${META}.DeleteOptions`,
  CreateOptions: `${META}.CreateOptions`,
  UpdateOptions: `${META}.UpdateOptions`,
  PatchOptions: `${META}.PatchOptions`,
};

/** The unversioned kinds, registered at `v1` (same register.go, AddUnversionedTypes), and the meta.k8s.io/v1 kinds. */
export const BUILT_IN_KINDS: readonly { apiVersion: string; kind: string; message: string }[] = [
  { apiVersion: 'v1', kind: 'Status', message: `${META}.Status` },
  { apiVersion: 'v1', kind: 'APIVersions', message: `${META}.APIVersions` },
  { apiVersion: 'v1', kind: 'APIGroupList', message: `${META}.APIGroupList` },
  { apiVersion: 'v1', kind: 'APIGroup', message: `${META}.APIGroup` },
  { apiVersion: 'v1', kind: 'APIResourceList', message: `${META}.APIResourceList` },
  { apiVersion: 'v1', kind: 'List', message: `${META}.List` },
  {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadata',
    message: `${META}.PartialObjectMetadata`,
  },
  {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadataList',
    message: `${META}.PartialObjectMetadataList`,
  },
];
