/**
 * The shared definitions every kind's schema leans on (meta/v1 and friends), named as kube names
 * them so that clients find them where they expect. Written in the neutral form: `$ref`s point at
 * `#/definitions/<name>` and may carry sibling keywords; the v2 and v3 renderers adapt them.
 * @module
 */
import type { JsonObject } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Definition names of the meta types, for references. */
export const META_NAMES = {
  objectMeta: `${META}.ObjectMeta`,
  listMeta: `${META}.ListMeta`,
  time: `${META}.Time`,
  microTime: `${META}.MicroTime`,
  ownerReference: `${META}.OwnerReference`,
  managedFieldsEntry: `${META}.ManagedFieldsEntry`,
  fieldsV1: `${META}.FieldsV1`,
  status: `${META}.Status`,
  statusDetails: `${META}.StatusDetails`,
  statusCause: `${META}.StatusCause`,
  deleteOptions: `${META}.DeleteOptions`,
  preconditions: `${META}.Preconditions`,
  watchEvent: `${META}.WatchEvent`,
  patch: `${META}.Patch`,
  labelSelector: `${META}.LabelSelector`,
  labelSelectorRequirement: `${META}.LabelSelectorRequirement`,
  condition: `${META}.Condition`,
  rawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  intOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  scale: 'io.k8s.api.autoscaling.v1.Scale',
  scaleSpec: 'io.k8s.api.autoscaling.v1.ScaleSpec',
  scaleStatus: 'io.k8s.api.autoscaling.v1.ScaleStatus',
} as const;

/** A reference to a definition, with an optional description beside it. */
export function ref(name: string, description?: string): JsonObject {
  const out: JsonObject = { $ref: `#/definitions/${name}` };
  if (description !== undefined) out.description = description;
  return out;
}

const str = (description: string): JsonObject => ({ type: 'string', description });
const int64 = (description: string): JsonObject => ({
  type: 'integer',
  format: 'int64',
  description,
});
const int32 = (description: string): JsonObject => ({
  type: 'integer',
  format: 'int32',
  description,
});
const bool = (description: string): JsonObject => ({ type: 'boolean', description });
const stringMap = (description: string): JsonObject => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});
const stringList = (description: string, listType = 'atomic'): JsonObject => ({
  type: 'array',
  items: { type: 'string' },
  description,
  'x-kubernetes-list-type': listType,
});

/** The `apiVersion` property every kind and list carries. */
export function apiVersionProperty(): JsonObject {
  return str('The version of the schema this object follows, as `group/version` (`v1` for core).');
}

/** The `kind` property every kind and list carries. */
export function kindProperty(): JsonObject {
  return str('The kind of this object, in CamelCase; fixed by the endpoint it is sent to.');
}

/** The description of a kind's `metadata` property. */
export const OBJECT_METADATA_DESCRIPTION =
  "The object's metadata: name, namespace, labels, annotations and server-set fields.";

/** The description of a list's `metadata` property. */
export const LIST_METADATA_DESCRIPTION =
  'List metadata: the resource version of the list and the token for its next page.';

function typeMetaProperties(): Record<string, JsonObject> {
  return { apiVersion: apiVersionProperty(), kind: kindProperty() };
}

/**
 * The shared definitions, by name, fresh on every call (callers may mutate them). The meta kinds
 * of {@link PER_GROUP_META_KINDS} get their `x-kubernetes-group-version-kind` from the builder.
 */
export function metaDefinitions(): Record<string, JsonObject> {
  return {
    [META_NAMES.objectMeta]: {
      description:
        'Metadata every persisted object carries; users set some fields, the server sets the rest.',
      type: 'object',
      properties: {
        annotations: stringMap(
          'Free-form key/value data for tools and extensions; not used for selection.',
        ),
        creationTimestamp: ref(
          META_NAMES.time,
          'When the server created the object (RFC 3339, UTC); read-only.',
        ),
        deletionGracePeriodSeconds: int64(
          'Seconds the object has to shut down gracefully once deletion starts; read-only.',
        ),
        deletionTimestamp: ref(
          META_NAMES.time,
          'When the object will be removed, set once a delete is requested; read-only.',
        ),
        finalizers: {
          ...stringList(
            'Keys that must each be removed before the object is deleted from storage.',
            'set',
          ),
          'x-kubernetes-patch-strategy': 'merge',
        },
        generateName: str(
          'A prefix the server completes with random characters when name is empty.',
        ),
        generation: int64('A counter of changes to the desired state; read-only.'),
        labels: stringMap('Key/value pairs used to select and group objects.'),
        managedFields: {
          type: 'array',
          items: ref(META_NAMES.managedFieldsEntry),
          description: 'Which manager owns which fields, kept by server-side apply.',
          'x-kubernetes-list-type': 'atomic',
        },
        name: str('The name of the object, unique within its namespace and resource.'),
        namespace: str('The namespace the object lives in; empty for cluster-scoped objects.'),
        ownerReferences: {
          type: 'array',
          items: ref(META_NAMES.ownerReference),
          description: 'The objects this one depends on; garbage collection follows them.',
          'x-kubernetes-list-map-keys': ['uid'],
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-patch-merge-key': 'uid',
          'x-kubernetes-patch-strategy': 'merge',
        },
        resourceVersion: str(
          'An opaque version for optimistic concurrency and watches; read-only.',
        ),
        selfLink: str('Deprecated and no longer set.'),
        uid: str('A unique ID the server assigns at creation; read-only.'),
      },
    },
    [META_NAMES.listMeta]: {
      description: 'Metadata of a list response.',
      type: 'object',
      properties: {
        continue: str('Token to fetch the next page, present when more items remain.'),
        remainingItemCount: int64('An estimate of the items left after this page.'),
        resourceVersion: str('The resource version the list was read at.'),
        selfLink: str('Deprecated and no longer set.'),
      },
    },
    [META_NAMES.time]: {
      description: 'A timestamp in RFC 3339 form with second precision.',
      type: 'string',
      format: 'date-time',
    },
    [META_NAMES.microTime]: {
      description: 'A timestamp in RFC 3339 form with microsecond precision.',
      type: 'string',
      format: 'date-time',
    },
    [META_NAMES.ownerReference]: {
      description: 'Points at an object that owns this one, in the same namespace.',
      type: 'object',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: str('The API version of the owner.'),
        blockOwnerDeletion: bool(
          'When true, foreground deletion of the owner waits for this object.',
        ),
        controller: bool('True for the one owner that manages this object.'),
        kind: str('The kind of the owner.'),
        name: str('The name of the owner.'),
        uid: str('The uid of the owner.'),
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [META_NAMES.managedFieldsEntry]: {
      description: 'The fields one manager owns through one operation.',
      type: 'object',
      properties: {
        apiVersion: str('The version the fields were written at.'),
        fieldsType: str('The format of fieldsV1; always FieldsV1.'),
        fieldsV1: ref(META_NAMES.fieldsV1, 'The owned fields, as a structured field set.'),
        manager: str('The name of the manager.'),
        operation: str('Apply or Update.'),
        subresource: str('The subresource the write went through, empty for the object itself.'),
        time: ref(META_NAMES.time, 'When the manager last changed an owned field.'),
      },
    },
    [META_NAMES.fieldsV1]: {
      description: 'A set of field paths, encoded as a JSON trie.',
      type: 'object',
    },
    [META_NAMES.status]: {
      description: 'The result of a call that does not return an object, such as an error.',
      type: 'object',
      properties: {
        apiVersion: apiVersionProperty(),
        code: int32('The HTTP status code.'),
        details: ref(META_NAMES.statusDetails, 'More about the failure, depending on the reason.'),
        kind: kindProperty(),
        message: str('A human-readable description of what happened.'),
        metadata: ref(META_NAMES.listMeta, 'Standard list metadata.'),
        reason: str('A machine-readable reason, e.g. NotFound or Conflict.'),
        status: str('Success or Failure.'),
      },
    },
    [META_NAMES.statusDetails]: {
      description: 'What a Status is about and why.',
      type: 'object',
      properties: {
        causes: {
          type: 'array',
          items: ref(META_NAMES.statusCause),
          description: 'The individual problems, e.g. one per invalid field.',
          'x-kubernetes-list-type': 'atomic',
        },
        group: str('The group of the resource concerned.'),
        kind: str('The resource (or kind) concerned.'),
        name: str('The name of the object concerned.'),
        retryAfterSeconds: int32('Seconds to wait before retrying, when the server says so.'),
        uid: str('The uid of the object concerned.'),
      },
    },
    [META_NAMES.statusCause]: {
      description: 'One cause of a failure.',
      type: 'object',
      properties: {
        field: str('The field at fault, as a JSON path such as spec.replicas.'),
        message: str('What is wrong with it.'),
        reason: str('A machine-readable cause, e.g. FieldValueInvalid.'),
      },
    },
    [META_NAMES.deleteOptions]: {
      description: 'Options of a delete.',
      type: 'object',
      properties: {
        apiVersion: apiVersionProperty(),
        dryRun: stringList('When All, validate the request without persisting anything.'),
        gracePeriodSeconds: int64('Seconds before the object is deleted; 0 means now.'),
        kind: kindProperty(),
        orphanDependents: bool('Deprecated: use propagationPolicy.'),
        preconditions: ref(
          META_NAMES.preconditions,
          'Conditions the object must meet to be deleted; otherwise 409 Conflict.',
        ),
        propagationPolicy: str('How dependents are handled: Orphan, Background or Foreground.'),
      },
    },
    [META_NAMES.preconditions]: {
      description: 'Conditions an operation requires of the object.',
      type: 'object',
      properties: {
        resourceVersion: str('The resource version the object must have.'),
        uid: str('The uid the object must have.'),
      },
    },
    [META_NAMES.watchEvent]: {
      description: 'One event of a watch stream.',
      type: 'object',
      required: ['type', 'object'],
      properties: {
        object: ref(
          META_NAMES.rawExtension,
          'The object as of the event; a Status for ERROR, only metadata for BOOKMARK.',
        ),
        type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
      },
    },
    [META_NAMES.patch]: {
      description: 'The body of a PATCH request, in the format its Content-Type names.',
      type: 'object',
    },
    [META_NAMES.labelSelector]: {
      description: 'Selects objects by label; the requirements are ANDed.',
      type: 'object',
      properties: {
        matchExpressions: {
          type: 'array',
          items: ref(META_NAMES.labelSelectorRequirement),
          description: 'Requirements on label values.',
          'x-kubernetes-list-type': 'atomic',
        },
        matchLabels: stringMap('Labels that must have exactly these values.'),
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [META_NAMES.labelSelectorRequirement]: {
      description: 'A requirement on the value of one label.',
      type: 'object',
      required: ['key', 'operator'],
      properties: {
        key: str('The label key.'),
        operator: str('In, NotIn, Exists or DoesNotExist.'),
        values: stringList('The values for In and NotIn; empty for Exists and DoesNotExist.'),
      },
    },
    [META_NAMES.condition]: {
      description: 'One aspect of the current state of an object.',
      type: 'object',
      required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
      properties: {
        lastTransitionTime: ref(META_NAMES.time, 'When the status last changed.'),
        message: str('A human-readable explanation.'),
        observedGeneration: int64('The generation the condition was computed for.'),
        reason: str('A machine-readable CamelCase reason.'),
        status: str('True, False or Unknown.'),
        type: str('The condition type, in CamelCase.'),
      },
    },
    [META_NAMES.rawExtension]: {
      description: 'An embedded object of any kind.',
      type: 'object',
    },
    [META_NAMES.intOrString]: {
      description: 'Either an integer or a string.',
      type: 'string',
      format: 'int-or-string',
    },
    [META_NAMES.quantity]: {
      description: 'A fixed-point number with an optional suffix, e.g. 100m, 2Gi or 1e3.',
      type: 'string',
    },
    [META_NAMES.scale]: {
      description: 'The desired and observed replica count of a scalable object.',
      type: 'object',
      properties: {
        ...typeMetaProperties(),
        metadata: ref(META_NAMES.objectMeta, OBJECT_METADATA_DESCRIPTION),
        spec: ref(META_NAMES.scaleSpec, 'The desired state.'),
        status: ref(META_NAMES.scaleStatus, 'The observed state; read-only.'),
      },
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
    },
    [META_NAMES.scaleSpec]: {
      description: 'The desired state of a scale.',
      type: 'object',
      properties: { replicas: int32('The desired number of replicas.') },
    },
    [META_NAMES.scaleStatus]: {
      description: 'The observed state of a scale.',
      type: 'object',
      required: ['replicas'],
      properties: {
        replicas: int32('The observed number of replicas.'),
        selector: str('The label selector of the replicas, in its string form.'),
      },
    },
  };
}

/** The meta kinds kube tags with every served group version. */
export const PER_GROUP_META_KINDS: readonly (readonly [name: string, kind: string])[] = [
  [META_NAMES.status, 'Status'],
  [META_NAMES.deleteOptions, 'DeleteOptions'],
  [META_NAMES.watchEvent, 'WatchEvent'],
];
