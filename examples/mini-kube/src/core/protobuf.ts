/**
 * The protobuf messages of the core/v1 kinds mini-kube serves, from the field numbers of
 * k8s.io/api core/v1 generated.proto (v0.32): kubectl 1.32 sends `create configmap|secret|namespace`
 * bodies in protobuf and reads `describe` answers in it.
 * @module
 */
import { ProtobufRegistry } from '@kapi/apimachinery';

const CORE = 'k8s.io.api.core.v1';
const OBJECT_REFERENCE = `${CORE}.ObjectReference`;

/** Adds the core/v1 kinds (and their lists) to a registry. */
export function addCoreV1Messages(registry: ProtobufRegistry): ProtobufRegistry {
  const kind = (name: string) => ({ apiVersion: 'v1', kind: name });
  const withList = (name: string, fields: Parameters<ProtobufRegistry['defineKind']>[2]) =>
    registry
      .defineKind(kind(name), `${CORE}.${name}`, fields)
      .defineListKind(kind(`${name}List`), `${CORE}.${name}List`, name);
  registry
    .defineMessage(OBJECT_REFERENCE, {
      kind: [1, 'string'],
      namespace: [2, 'string'],
      name: [3, 'string'],
      uid: [4, 'string'],
      apiVersion: [5, 'string'],
      resourceVersion: [6, 'string'],
      fieldPath: [7, 'string'],
    })
    .defineMessage(`${CORE}.LocalObjectReference`, { name: [1, 'string'] })
    .defineMessage(`${CORE}.NamespaceSpec`, { finalizers: [1, '[]string'] })
    .defineMessage(`${CORE}.NamespaceStatus`, {
      phase: [1, 'string'],
      conditions: [2, '[]NamespaceCondition'],
    })
    .defineMessage(`${CORE}.NamespaceCondition`, {
      type: [1, 'string', { omitempty: false }],
      status: [2, 'string', { omitempty: false }],
      lastTransitionTime: [4, 'Time'],
      reason: [5, 'string'],
      message: [6, 'string'],
    })
    .defineMessage(`${CORE}.EventSource`, { component: [1, 'string'], host: [2, 'string'] })
    .defineMessage(`${CORE}.EventSeries`, {
      count: [1, 'int32'],
      lastObservedTime: [2, 'MicroTime', { omitempty: false }],
    });
  withList('ConfigMap', {
    metadata: [1, 'ObjectMeta'],
    immutable: [4, '*bool'],
    data: [2, 'map<string,string>'],
    binaryData: [3, 'map<string,bytes>'],
  });
  withList('Secret', {
    metadata: [1, 'ObjectMeta'],
    immutable: [5, '*bool'],
    data: [2, 'map<string,bytes>'],
    stringData: [4, 'map<string,string>'],
    type: [3, 'string'],
  });
  withList('Namespace', {
    metadata: [1, 'ObjectMeta'],
    spec: [2, 'NamespaceSpec'],
    status: [3, 'NamespaceStatus'],
  });
  withList('ServiceAccount', {
    metadata: [1, 'ObjectMeta'],
    secrets: [2, `[]${OBJECT_REFERENCE}`],
    imagePullSecrets: [3, '[]LocalObjectReference'],
    automountServiceAccountToken: [4, '*bool'],
  });
  withList('Event', {
    metadata: [1, 'ObjectMeta', { omitempty: false }],
    involvedObject: [2, OBJECT_REFERENCE, { omitempty: false }],
    reason: [3, 'string'],
    message: [4, 'string'],
    source: [5, 'EventSource'],
    // value Times: Go prints an unset one as null
    firstTimestamp: [6, 'Time', { omitempty: false }],
    lastTimestamp: [7, 'Time', { omitempty: false }],
    count: [8, 'int32'],
    type: [9, 'string'],
    eventTime: [10, 'MicroTime', { omitempty: false }],
    series: [11, '*EventSeries'],
    action: [12, 'string'],
    related: [13, `*${OBJECT_REFERENCE}`],
    reportingComponent: [14, 'string', { omitempty: false }],
    reportingInstance: [15, 'string', { omitempty: false }],
  });
  return registry;
}

/** A registry with the core/v1 messages. */
export function coreV1Protobuf(): ProtobufRegistry {
  return addCoreV1Messages(new ProtobufRegistry());
}
