/**
 * A compact way to write protobuf message descriptors for Kubernetes kinds, producing protobufjs
 * JSON descriptors (plain data; nothing here loads protobufjs).
 * @module
 */

/**
 * A protobufjs JSON descriptor (`INamespace` in protobufjs terms): nested namespaces down to message
 * types with their `fields`. {@link protoMessage} builds one; hosts may also write it by hand.
 */
export interface ProtobufDescriptor {
  /** Options of the namespace (unused by Kapi). */
  options?: Record<string, unknown>;
  /** Namespaces, message types and enums by name. */
  nested?: Record<string, object>;
}

/**
 * Field option marking a Go pointer field (`*bool`, `*int64`, `*Time` …): written iff set, and
 * decoded as present even when it holds the zero value. Value fields (the default) are always
 * written, as Go's generated marshallers do, and their zero value means "unset".
 */
export const PROTOBUF_POINTER_OPTION = '(kapi.pointer)';

/**
 * Field option `false` for a JSON field without `omitempty`: its zero value (`false`, `0`, `""`,
 * `[]`, `{}`) stays in the decoded JSON. By default every field is `omitempty`.
 */
export const PROTOBUF_OMITEMPTY_OPTION = '(kapi.omitempty)';

/** Extra properties of a field in {@link protoMessage}. */
export interface ProtoFieldFlags {
  /** `false` when the Go JSON tag lacks `omitempty`. Default `true`. */
  omitempty?: boolean;
  /** The JSON name when it differs from the proto name (protobuf's `json_name`). */
  json?: string;
}

/**
 * One field: `[number, type]` or `[number, type, flags]`. The type is written Go-style:
 * - a scalar: `string`, `bool`, `int32`, `int64`, `bytes`, … (all protobuf scalar names);
 * - `*T` for a Go pointer field (see {@link PROTOBUF_POINTER_OPTION});
 * - `[]T` for a repeated field, `map<K,V>` for a map;
 * - a message: a well-known short name (`ObjectMeta`, `ListMeta`, `Time`, `MicroTime`, `Duration`,
 *   `IntOrString`, `Quantity`, `RawExtension`, `LabelSelector`, … see {@link WELL_KNOWN_MESSAGES}),
 *   a fully qualified name (`k8s.io.api.core.v1.ObjectReference`), or a name relative to the
 *   message's own package (`NamespaceSpec`).
 */
export type ProtoFieldSpec =
  readonly [id: number, type: string] | readonly [id: number, type: string, flags: ProtoFieldFlags];

/** The fields of a message by proto name, in declaration order (= Go struct order = JSON order). */
export type ProtoMessageFields = Readonly<Record<string, ProtoFieldSpec>>;

const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

/** Short names {@link protoMessage} accepts for the Kubernetes messages kinds embed, with their full names. */
export const WELL_KNOWN_MESSAGES: Readonly<Record<string, string>> = {
  ObjectMeta: `${META_V1}.ObjectMeta`,
  ListMeta: `${META_V1}.ListMeta`,
  Time: `${META_V1}.Time`,
  MicroTime: `${META_V1}.MicroTime`,
  Duration: `${META_V1}.Duration`,
  OwnerReference: `${META_V1}.OwnerReference`,
  ManagedFieldsEntry: `${META_V1}.ManagedFieldsEntry`,
  FieldsV1: `${META_V1}.FieldsV1`,
  LabelSelector: `${META_V1}.LabelSelector`,
  LabelSelectorRequirement: `${META_V1}.LabelSelectorRequirement`,
  FieldSelectorRequirement: `${META_V1}.FieldSelectorRequirement`,
  Condition: `${META_V1}.Condition`,
  Status: `${META_V1}.Status`,
  StatusDetails: `${META_V1}.StatusDetails`,
  StatusCause: `${META_V1}.StatusCause`,
  Preconditions: `${META_V1}.Preconditions`,
  DeleteOptions: `${META_V1}.DeleteOptions`,
  RawExtension: `${RUNTIME}.RawExtension`,
  Unknown: `${RUNTIME}.Unknown`,
  IntOrString: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  Quantity: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
};

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

function typeReference(name: string, where: string): string {
  if (name === '' || /[^\w.]/.test(name)) throw new TypeError(`${where}: bad type name "${name}"`);
  if (SCALARS.has(name)) return name;
  const known = WELL_KNOWN_MESSAGES[name];
  if (known !== undefined) return `.${known}`;
  if (name.startsWith('.')) return name;
  return name.includes('.') ? `.${name}` : name;
}

interface FieldJSON {
  id: number;
  type: string;
  rule?: 'repeated';
  keyType?: string;
  options?: Record<string, unknown>;
}

function fieldDescriptor(fieldName: string, spec: ProtoFieldSpec, where: string): FieldJSON {
  const [id, typeSpec, flags] = spec;
  const at = `${where}.${fieldName}`;
  if (!Number.isInteger(id) || id < 1 || id > 0x1fffffff || (id >= 19000 && id <= 19999)) {
    throw new TypeError(`${at}: bad field number ${id}`);
  }
  const options: Record<string, unknown> = {};
  if (flags?.omitempty === false) options[PROTOBUF_OMITEMPTY_OPTION] = false;
  if (flags?.json !== undefined) options.json_name = flags.json;
  const field: FieldJSON = { id, type: '' };
  const type = typeSpec.replace(/\s+/g, '');
  const map = /^map<(\w+),(.+)>$/.exec(type);
  if (map !== null) {
    const keyType = map[1]!;
    if (
      !SCALARS.has(keyType) ||
      keyType === 'bytes' ||
      keyType === 'double' ||
      keyType === 'float'
    ) {
      throw new TypeError(`${at}: bad map key type "${keyType}"`);
    }
    field.keyType = keyType;
    field.type = typeReference(map[2]!, at);
  } else if (type.startsWith('[]')) {
    field.rule = 'repeated';
    field.type = typeReference(type.slice(2), at);
  } else if (type.startsWith('*')) {
    options[PROTOBUF_POINTER_OPTION] = true;
    field.type = typeReference(type.slice(1), at);
  } else {
    field.type = typeReference(type, at);
  }
  if (Object.keys(options).length > 0) field.options = options;
  return field;
}

function splitName(fullName: string): { path: string[]; name: string } {
  const parts = fullName.replace(/^\./, '').split('.');
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) {
    throw new TypeError(`bad message name "${fullName}"`);
  }
  const name = parts.pop()!;
  return { path: parts, name };
}

/**
 * Builds a protobufjs JSON descriptor for several messages, keyed by full name, e.g.
 * ```ts
 * protoMessages({
 *   'k8s.io.api.core.v1.ConfigMap': {
 *     metadata: [1, 'ObjectMeta'],
 *     immutable: [4, '*bool'],
 *     data: [2, 'map<string,string>'],
 *     binaryData: [3, 'map<string,bytes>'],
 *   },
 * });
 * ```
 */
export function protoMessages(
  messages: Readonly<Record<string, ProtoMessageFields>>,
): ProtobufDescriptor {
  const root: { nested: Record<string, { nested?: Record<string, unknown> }> } = { nested: {} };
  for (const [fullName, fields] of Object.entries(messages)) {
    const { path, name } = splitName(fullName);
    let scope: { nested?: Record<string, unknown> } = root;
    for (const part of path) {
      scope.nested ??= {};
      scope = scope.nested[part] ??= {};
    }
    scope.nested ??= {};
    if (Object.hasOwn(scope.nested, name)) throw new TypeError(`message ${fullName} defined twice`);
    const fieldsJSON: Record<string, FieldJSON> = {};
    const ids = new Set<number>();
    for (const [fieldName, spec] of Object.entries(fields)) {
      const field = fieldDescriptor(fieldName, spec, fullName);
      if (ids.has(field.id))
        throw new TypeError(`${fullName}: field number ${field.id} used twice`);
      ids.add(field.id);
      fieldsJSON[fieldName] = field;
    }
    scope.nested[name] = { fields: fieldsJSON };
  }
  return root;
}

/** {@link protoMessages} for one message. */
export function protoMessage(fullName: string, fields: ProtoMessageFields): ProtobufDescriptor {
  return protoMessages({ [fullName]: fields });
}

/** The fields of a Kubernetes list kind: `metadata` (ListMeta) = 1 and `items` (repeated `itemType`) = 2. */
export function protoListFields(itemType: string): ProtoMessageFields {
  return { metadata: [1, 'ListMeta'], items: [2, `[]${itemType}`, { omitempty: false }] };
}
