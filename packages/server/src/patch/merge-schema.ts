/**
 * The merge schema: what strategic merge patch and managedFields need to know about a resource's
 * fields, compiled once from its OpenAPI / JSON schema (PATCH-APPLY.md B1.1, A2).
 *
 * A node may allow several shapes at once (an untyped field is a scalar, an atomic list or a map,
 * decided by the value), exactly like a structured-merge-diff atom.
 * @module
 */

/** The kind of scalar a field holds. `untyped` accepts any scalar (int-or-string, date-time, …). */
export type ScalarType = 'numeric' | 'string' | 'boolean' | 'untyped';

/** How the elements of a list are told apart. */
export interface ListShape {
  /** `atomic`: the list is one value; `associative`: a set (no keys) or a list map (keys). */
  readonly relationship: 'atomic' | 'associative';
  /** The key fields of a list map (`x-kubernetes-list-map-keys` or the patch merge key); empty for sets. */
  readonly keys: readonly string[];
  /** The schema of every element. */
  readonly element: MergeNode;
}

/** The fields of an object. */
export interface MapShape {
  /** `atomic`: the map is one value owned as a whole; `granular`: key by key. */
  readonly relationship: 'atomic' | 'granular';
  /** Declared properties. */
  readonly fields: ReadonlyMap<string, MergeNode>;
  /** The schema of keys that are not declared (additionalProperties, or deduced); none means undeclared keys are not allowed. */
  readonly element: MergeNode | undefined;
}

/** One node of a compiled merge schema. */
export interface MergeNode {
  /** Present when the value may be a scalar. */
  readonly scalar?: ScalarType;
  /** Present when the value may be a list. */
  readonly list?: ListShape;
  /** Present when the value may be an object. */
  readonly map?: MapShape;
  /** `nullable: true` in the schema: an explicit null is kept. */
  readonly nullable: boolean;
  /** The schema default, used for list-map keys an element omits. */
  readonly default?: unknown;
  /**
   * The strategic-merge-patch strategy of this field with `retainKeys` taken out: `merge`,
   * `replace` or `''` (the default: objects merge, lists are replaced).
   */
  readonly patchStrategy: string;
  /** True when the field's strategy includes `retainKeys` (clients use it; the server honours `$retainKeys` anywhere). */
  readonly retainKeys: boolean;
  /** `x-kubernetes-patch-merge-key`, or `''`. */
  readonly patchMergeKey: string;
  /** The OpenAPI type as kube's SMP engine names it in messages (`object`, `string`, …; `Struct` when untyped). */
  readonly openAPIType: string;
  /** True for the deduced node of schema-less content (preserve-unknown-fields, free-form objects). */
  readonly deduced: boolean;
}

/** A compiled merge schema for one resource in one version. */
export interface MergeSchema {
  /** The node of the whole object. */
  readonly root: MergeNode;
}

/** A JSON / OpenAPI schema object, read loosely: only the keys listed in B1.1 matter. */
export type SchemaObject = Readonly<Record<string, unknown>>;

/** Options of {@link compileMergeSchema}. */
export interface CompileMergeSchemaOptions {
  /**
   * Named schemas that `$ref`s point to (`#/definitions/<name>`, `#/components/schemas/<name>`,
   * `#/$defs/<name>`). Refs are also resolved inside the root document itself.
   */
  definitions?: Readonly<Record<string, SchemaObject>>;
  /**
   * Give the root object kube's standard `metadata` (ObjectMeta: labels, finalizers as a set,
   * ownerReferences keyed by uid, …) and string `apiVersion`/`kind`, whatever the schema says.
   * Default true, as kube does for custom resources.
   */
  standardObjectMeta?: boolean;
}

const EMPTY_FIELDS: ReadonlyMap<string, MergeNode> = new Map();

interface MutableNode {
  scalar?: ScalarType;
  list?: ListShape;
  map?: MapShape;
  nullable: boolean;
  default?: unknown;
  patchStrategy: string;
  retainKeys: boolean;
  patchMergeKey: string;
  openAPIType: string;
  deduced: boolean;
}

function blankNode(): MutableNode {
  return {
    nullable: false,
    patchStrategy: '',
    retainKeys: false,
    patchMergeKey: '',
    openAPIType: 'Struct',
    deduced: false,
  };
}

/** Any scalar, an atomic list, an atomic map: the elements of a deduced list (kube's `__untyped_atomic_`). */
export const UNTYPED_ATOMIC: MergeNode = (() => {
  const node = blankNode();
  node.scalar = 'untyped';
  node.list = { relationship: 'atomic', keys: [], element: node };
  node.map = { relationship: 'atomic', fields: EMPTY_FIELDS, element: node };
  return node;
})();

/** Schema-less content: maps are granular, lists atomic, scalars untyped (kube's `__untyped_deduced_`). */
export const DEDUCED: MergeNode = (() => {
  const node = blankNode();
  node.scalar = 'untyped';
  node.deduced = true;
  node.list = { relationship: 'atomic', keys: [], element: UNTYPED_ATOMIC };
  node.map = { relationship: 'granular', fields: EMPTY_FIELDS, element: node };
  return node;
})();

/** A deduced schema for a whole object: what a resource without a schema gets. */
export const DEDUCED_SCHEMA: MergeSchema = { root: DEDUCED };

// Extensions a property may put next to its `$ref` to refine the referenced type.
const REF_OVERRIDES = [
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-preserve-unknown-fields',
  'nullable',
  'default',
] as const;

const REF_PREFIXES = ['#/definitions/', '#/components/schemas/', '#/$defs/'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaType(s: SchemaObject): string {
  const t = s['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    // JSON Schema's ["string","null"] style: the first non-null type is the type
    const first: unknown = t.find((x) => x !== 'null');
    return typeof first === 'string' ? first : '';
  }
  return '';
}

function refOf(s: SchemaObject): string | undefined {
  const ref = s['$ref'];
  if (typeof ref === 'string' && ref !== '') return ref;
  const allOf = s['allOf'];
  // as kube: kube-openapi schemaconv makeOpenAPIRef takes a single-element allOf with a $ref
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const inner = allOf[0]['$ref'];
    if (typeof inner === 'string' && inner !== '') return inner;
  }
  return undefined;
}

/** `unexpected patch strategy: [a b c]`, as kube's strategicpatch extractRetainKeysPatchStrategy words it. */
function splitPatchStrategy(raw: string): { strategy: string; retainKeys: boolean } {
  const parts = raw.split(',');
  const bad = (): Error => new Error(`unexpected patch strategy: [${parts.join(' ')}]`);
  if (parts.length === 1) {
    return parts[0] === 'retainKeys'
      ? { strategy: '', retainKeys: true }
      : { strategy: parts[0]!, retainKeys: false };
  }
  if (parts.length === 2) {
    if (parts[0] === 'retainKeys') return { strategy: parts[1]!, retainKeys: true };
    if (parts[1] === 'retainKeys') return { strategy: parts[0]!, retainKeys: true };
  }
  throw bad();
}

class Compiler {
  private readonly memo = new Map<string, MutableNode>();

  constructor(
    private readonly document: SchemaObject,
    private readonly definitions: Readonly<Record<string, SchemaObject>>,
  ) {}

  private resolveRef(ref: string): SchemaObject {
    for (const prefix of REF_PREFIXES) {
      if (ref.startsWith(prefix)) {
        const name = ref.slice(prefix.length);
        const found = this.definitions[name];
        if (isObject(found)) return found;
      }
    }
    if (ref.startsWith('#/')) {
      let cur: unknown = this.document;
      for (const raw of ref.slice(2).split('/')) {
        const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
        cur = isObject(cur) ? cur[part] : undefined;
      }
      if (isObject(cur)) return cur;
    }
    throw new Error(`unable to resolve ${ref} in the schema`);
  }

  compile(s: SchemaObject, preserveUnknown: boolean, where: string): MergeNode {
    const ref = refOf(s);
    if (ref === undefined) {
      const node = blankNode();
      this.fill(node, s, preserveUnknown, where);
      return node;
    }
    const overrides: Record<string, unknown> = {};
    for (const key of REF_OVERRIDES) if (key in s) overrides[key] = s[key];
    const memoKey = `${ref}\u0000${JSON.stringify(overrides)}`;
    const known = this.memo.get(memoKey);
    if (known !== undefined) return known;
    const target = this.resolveRef(ref);
    const node = blankNode();
    // registered before filling, so recursive types compile to a cycle instead of looping
    this.memo.set(memoKey, node);
    this.fill(node, { ...target, ...overrides }, false, ref);
    return node;
  }

  private fill(
    node: MutableNode,
    s: SchemaObject,
    inheritedPreserve: boolean,
    where: string,
  ): void {
    const preserveUnknown = inheritedPreserve || s['x-kubernetes-preserve-unknown-fields'] === true;
    const type = schemaType(s);
    node.openAPIType = type === '' ? 'Struct' : type;
    node.nullable = s['nullable'] === true;
    if ('default' in s) node.default = s['default'];
    const strategy = s['x-kubernetes-patch-strategy'];
    if (typeof strategy === 'string' && strategy !== '') {
      const split = splitPatchStrategy(strategy);
      node.patchStrategy = split.strategy;
      node.retainKeys = split.retainKeys;
    }
    const mergeKey = s['x-kubernetes-patch-merge-key'];
    if (typeof mergeKey === 'string') node.patchMergeKey = mergeKey;

    switch (type) {
      case '':
        node.scalar = 'untyped';
        node.list = this.listShape(s, preserveUnknown, where);
        node.map = this.mapShape(s, preserveUnknown, where);
        node.deduced = node.map.fields.size === 0 && node.map.element === DEDUCED;
        return;
      case 'object':
        node.map = this.mapShape(s, preserveUnknown, where);
        return;
      case 'array':
        node.list = this.listShape(s, preserveUnknown, where);
        return;
      case 'integer':
      case 'number':
        node.scalar = 'numeric';
        return;
      case 'boolean':
        node.scalar = 'boolean';
        return;
      case 'string': {
        const format = s['format'];
        // as kube: kube-openapi schemaconv convertPrimitive (any format but byte is untyped)
        node.scalar =
          format === undefined || format === '' || format === 'byte' ? 'string' : 'untyped';
        return;
      }
      default:
        throw new Error(`${where}: unrecognized type: '${type}'`);
    }
  }

  private mapShape(s: SchemaObject, preserveUnknown: boolean, where: string): MapShape {
    const fields = new Map<string, MergeNode>();
    const properties = s['properties'];
    if (isObject(properties)) {
      for (const [name, member] of Object.entries(properties)) {
        if (!isObject(member)) throw new Error(`${where}: property ${name} is not a schema`);
        fields.set(name, this.compile(member, preserveUnknown, `${where}.${name}`));
      }
    }
    const additional = s['additionalProperties'];
    let element: MergeNode | undefined;
    if (additional === undefined) {
      element = preserveUnknown || fields.size === 0 ? DEDUCED : undefined;
    } else if (isObject(additional)) {
      element = this.compile(additional, preserveUnknown, `${where}[*]`);
    } else {
      element = additional === true ? DEDUCED : undefined;
    }
    const mapType = s['x-kubernetes-map-type'];
    let relationship: MapShape['relationship'] = 'granular';
    if (mapType === 'atomic') relationship = 'atomic';
    else if (mapType !== undefined && mapType !== 'granular') {
      throw new Error(`${where}: unknown map type ${JSON.stringify(mapType)}`);
    }
    return { relationship, fields, element };
  }

  private listShape(s: SchemaObject, preserveUnknown: boolean, where: string): ListShape {
    const { relationship, keys } = listRelationship(s, where);
    const items = s['items'];
    let element: MergeNode;
    if (isObject(items)) element = this.compile(items, preserveUnknown, `${where}[]`);
    else if (items === undefined) element = UNTYPED_ATOMIC;
    else throw new Error(`${where}: arrays must have exactly one items schema`);
    return { relationship, keys, element };
  }
}

/** The list relationship of B1.1 (as kube: kube-openapi schemaconv getListElementRelationship). */
function listRelationship(
  s: SchemaObject,
  where: string,
): { relationship: ListShape['relationship']; keys: string[] } {
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined) {
    switch (listType) {
      case 'atomic':
        return { relationship: 'atomic', keys: [] };
      case 'set':
        return { relationship: 'associative', keys: [] };
      case 'map': {
        const keys = s['x-kubernetes-list-map-keys'];
        if (!Array.isArray(keys) || keys.length === 0) {
          throw new Error(`${where}: missing map keys`);
        }
        return { relationship: 'associative', keys: keys.filter((k) => typeof k === 'string') };
      }
      default:
        throw new Error(`${where}: unknown list type ${JSON.stringify(listType)}`);
    }
  }
  const strategy = s['x-kubernetes-patch-strategy'];
  if (strategy === undefined) return { relationship: 'atomic', keys: [] };
  switch (strategy) {
    case 'merge':
    case 'merge,retainKeys':
    case 'retainKeys,merge': {
      const key = s['x-kubernetes-patch-merge-key'];
      if (key === undefined) return { relationship: 'associative', keys: [] };
      if (typeof key !== 'string') throw new Error(`${where}: uninterpreted merge key`);
      return { relationship: 'associative', keys: [key] };
    }
    // replace is SMP's explicit default for lists: the list is one value
    case 'retainKeys':
    case 'replace':
      return { relationship: 'atomic', keys: [] };
    default:
      throw new Error(`${where}: unknown patch strategy ${JSON.stringify(strategy)}`);
  }
}

// kube's ObjectMeta as it matters for merging (k8s.io/apimachinery pkg/apis/meta/v1 types.go tags)
const OBJECT_META_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    selfLink: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
        'x-kubernetes-map-type': 'atomic',
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'uid',
    },
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
      'x-kubernetes-patch-strategy': 'merge',
    },
    managedFields: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          manager: { type: 'string' },
          operation: { type: 'string' },
          apiVersion: { type: 'string' },
          time: { type: 'string', format: 'date-time' },
          fieldsType: { type: 'string' },
          fieldsV1: { type: 'object' },
          subresource: { type: 'string' },
        },
      },
    },
  },
};

/** kube's ObjectMeta as a merge node (B1.2). */
export const OBJECT_META: MergeNode = new Compiler({}, {}).compile(
  OBJECT_META_SCHEMA,
  false,
  'ObjectMeta',
);

const STRING_NODE: MergeNode = { ...blankNode(), scalar: 'string', openAPIType: 'string' };

/**
 * Compiles a resource's schema into a {@link MergeSchema}. Throws an Error for a schema the merge
 * engines cannot use (unknown list or map type, a list map without keys, a bad patch strategy,
 * an unresolvable `$ref`): reject such a schema when the resource is registered.
 */
export function compileMergeSchema(
  schema: SchemaObject,
  options: CompileMergeSchemaOptions = {},
): MergeSchema {
  const compiler = new Compiler(schema, options.definitions ?? {});
  let root = compiler.compile(schema, false, '<root>');
  if ((options.standardObjectMeta ?? true) && root.map !== undefined) {
    const fields = new Map(root.map.fields);
    fields.set('metadata', OBJECT_META);
    if (!fields.has('apiVersion')) fields.set('apiVersion', STRING_NODE);
    if (!fields.has('kind')) fields.set('kind', STRING_NODE);
    root = { ...root, map: { ...root.map, fields } };
  }
  return { root };
}

/** The node of a key of an object node: the declared property, else the element type; undefined when the key is not allowed. */
export function fieldOf(node: MergeNode, key: string): MergeNode | undefined {
  const map = node.map;
  if (map === undefined) return undefined;
  return map.fields.get(key) ?? map.element;
}
