/**
 * Turning a host's JSON schemas (draft-07, or OpenAPI v3 structural schemas as CRDs carry them)
 * into OpenAPI schemas: first a neutral form (refs as `#/definitions/<name>`, OpenAPI keywords
 * only), then the v2 form kubectl's parser accepts and the v3.0 form.
 * @module
 */
import type { JsonObject, JsonValue } from './types.js';

const DEFINITIONS_PREFIX = '#/definitions/';
const COMPONENTS_PREFIX = '#/components/schemas/';

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);
const STRING_KEYWORDS = ['description', 'title', 'format', 'pattern'] as const;
const NUMBER_KEYWORDS = [
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
] as const;
const BOOLEAN_KEYWORDS = [
  'uniqueItems',
  'readOnly',
  'nullable',
  'exclusiveMinimum',
  'exclusiveMaximum',
] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a JSON value; anything JSON cannot carry (undefined, functions) is dropped. */
export function jsonClone(v: unknown): JsonValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) {
    return v.map((item) => jsonClone(item) ?? null);
  }
  if (isRecord(v)) {
    const out: JsonObject = {};
    for (const [k, item] of Object.entries(v)) {
      const cloned = jsonClone(item);
      if (cloned !== undefined) out[k] = cloned;
    }
    return out;
  }
  return undefined;
}

/** `X` from `#/definitions/X` (JSON-pointer unescaped), or undefined for any other reference. */
export function definitionOf(ref: string): string | undefined {
  for (const prefix of [DEFINITIONS_PREFIX, COMPONENTS_PREFIX, '#/$defs/']) {
    if (ref.startsWith(prefix)) {
      const rest = ref.slice(prefix.length);
      if (rest === '' || rest.includes('/')) return undefined;
      return rest.replace(/~1/g, '/').replace(/~0/g, '~');
    }
  }
  return undefined;
}

/**
 * Resolves a `$ref` of a host schema to a definition name, or undefined when it cannot be kept
 * (the referring schema then stands for any value).
 */
export type RefResolver = (ref: string) => string | undefined;

/**
 * The neutral form of a host schema: OpenAPI keywords only, draft-07 spellings turned into
 * OpenAPI ones (`const` → `enum`, numeric `exclusiveMinimum` → boolean, type lists → `nullable`
 * and `anyOf`), properties sorted by name (as kube publishes them), `$ref`s rewritten by
 * `resolve`. Local `definitions`/`$defs` are not kept here; the caller hoists them.
 */
export function normalizeSchema(raw: unknown, resolve: RefResolver): JsonObject {
  if (!isRecord(raw)) return {};
  const out: JsonObject = {};
  if (typeof raw.$ref === 'string') {
    const name = resolve(raw.$ref);
    if (name !== undefined) out.$ref = DEFINITIONS_PREFIX + name;
  }
  const typeAlternatives = normalizeType(raw, out);
  for (const key of STRING_KEYWORDS) {
    const v = raw[key];
    if (typeof v === 'string') out[key] = v;
  }
  for (const key of NUMBER_KEYWORDS) {
    const v = raw[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  for (const key of BOOLEAN_KEYWORDS) {
    const v = raw[key];
    if (typeof v === 'boolean') out[key] = v;
  }
  // draft-07: a numeric exclusive bound replaces the inclusive one
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const v = raw[flag];
    if (typeof v === 'number' && Number.isFinite(v)) {
      out[bound] = v;
      out[flag] = true;
    }
  }
  for (const key of ['default', 'example'] as const) {
    const v = jsonClone(raw[key]);
    if (v !== undefined) out[key] = v;
  }
  if (Array.isArray(raw.enum)) {
    out.enum = raw.enum.map((v) => jsonClone(v) ?? null);
  } else if ('const' in raw) {
    const v = jsonClone(raw.const);
    if (v !== undefined) out.enum = [v];
  }
  if (Array.isArray(raw.required)) {
    const required = raw.required.filter((r): r is string => typeof r === 'string');
    if (required.length > 0) out.required = [...new Set(required)];
  }
  if (isRecord(raw.externalDocs)) {
    const docs = jsonClone(raw.externalDocs);
    if (docs !== undefined) out.externalDocs = docs;
  }
  if (isRecord(raw.properties)) {
    const props: JsonObject = {};
    for (const name of Object.keys(raw.properties).sort()) {
      props[name] = normalizeSchema(raw.properties[name], resolve);
    }
    out.properties = props;
  }
  if (typeof raw.additionalProperties === 'boolean') {
    out.additionalProperties = raw.additionalProperties;
  } else if (isRecord(raw.additionalProperties)) {
    out.additionalProperties = normalizeSchema(raw.additionalProperties, resolve);
  }
  if (isRecord(raw.items)) {
    out.items = normalizeSchema(raw.items, resolve);
  } else if (Array.isArray(raw.items) && raw.items.length === 1) {
    out.items = normalizeSchema(raw.items[0], resolve);
  }
  for (const key of SCHEMA_LISTS) {
    const list = raw[key];
    if (Array.isArray(list) && list.length > 0) {
      out[key] = list.map((s) => normalizeSchema(s, resolve));
    }
  }
  if (typeAlternatives !== undefined && out.anyOf === undefined) out.anyOf = typeAlternatives;
  if (isRecord(raw.not)) out.not = normalizeSchema(raw.not, resolve);
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith('x-')) continue;
    const v = jsonClone(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Sets `type` and `nullable`; returns one `anyOf` alternative per type of a type list. */
function normalizeType(raw: Record<string, unknown>, out: JsonObject): JsonObject[] | undefined {
  const { type } = raw;
  const types = (Array.isArray(type) ? type : [type]).filter(
    (t): t is string => typeof t === 'string',
  );
  if (types.includes('null')) out.nullable = true;
  const concrete = [...new Set(types.filter((t) => TYPES.has(t)))];
  if (concrete.length === 1) out.type = concrete[0]!;
  // OpenAPI has no type lists
  return concrete.length > 1 ? concrete.map((t) => ({ type: t })) : undefined;
}

/** Every definition name a schema refers to, added to `into`. */
export function collectRefs(value: JsonValue, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string') {
      const name = definitionOf(item);
      if (name !== undefined) into.add(name);
    } else if (!key.startsWith('x-') && key !== 'enum' && key !== 'default' && key !== 'example') {
      collectRefs(item, into);
    }
  }
}

/**
 * Drops references to definitions not in `known`, in place, so that no client meets a dangling
 * reference (kubectl rejects the whole v2 document over one).
 */
export function dropDanglingRefs(schema: JsonObject, known: ReadonlySet<string>): void {
  for (const [key, item] of Object.entries(schema)) {
    if (key === '$ref' && typeof item === 'string') {
      const name = definitionOf(item);
      if (name === undefined || !known.has(name)) delete schema.$ref;
    } else if (key === 'properties' && isRecord(item)) {
      for (const sub of Object.values(item)) dropDanglingRefs(sub as JsonObject, known);
    } else if (
      (key === 'items' || key === 'additionalProperties' || key === 'not') &&
      isRecord(item)
    ) {
      dropDanglingRefs(item, known);
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(item)) {
      for (const sub of item) if (isRecord(sub)) dropDanglingRefs(sub, known);
    }
  }
}

function isPureRef(v: JsonValue | undefined): v is { $ref: string } {
  return isRecord(v) && typeof v.$ref === 'string' && Object.keys(v).length === 1;
}

/**
 * The OpenAPI v2 form of a neutral schema, shaped for kubectl's parser (kube-openapi
 * pkg/util/proto) as kube shapes custom resource schemas for v2 (k8s.io/apiextensions-apiserver
 * pkg/controller/openapi/v2 ToStructuralOpenAPIV2): no anyOf/oneOf/not/allOf, nullable values
 * untyped, preserve-unknown-fields values without properties, arrays always with items, a `$ref`
 * without type or properties beside it.
 */
export function toV2Schema(schema: JsonObject): JsonObject {
  const out: JsonObject = { ...schema };
  if (out.$ref === undefined && out.type === undefined && out.properties === undefined) {
    // `allOf: [{$ref}]` is how a description travels beside a reference in v3; v2 allows it inline
    const allOf = out.allOf;
    if (Array.isArray(allOf) && allOf.length === 1 && isPureRef(allOf[0])) out.$ref = allOf[0].$ref;
  }
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  if (isRecord(schema.properties)) {
    const props = schema.properties as Record<string, JsonObject>;
    const nullable = new Set(Object.keys(props).filter((k) => props[k]!.nullable === true));
    if (Array.isArray(out.required) && nullable.size > 0) {
      out.required = out.required.filter((r) => typeof r === 'string' && !nullable.has(r));
    }
    const converted: JsonObject = {};
    for (const [name, sub] of Object.entries(props)) converted[name] = toV2Schema(sub);
    out.properties = converted;
  }
  if (isRecord(schema.additionalProperties)) {
    const sub = schema.additionalProperties;
    if (sub.nullable === true) delete out.required;
    out.additionalProperties = toV2Schema(sub);
  }
  if (isRecord(schema.items)) out.items = toV2Schema(schema.items);
  if (out.nullable === true) {
    delete out.type;
    delete out.items;
    delete out.properties;
  }
  delete out.nullable;
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
    if (out.type === 'object') delete out.type;
  }
  if (out.type === 'array' && out.items === undefined) delete out.type;
  if (typeof out.type === 'string' && !TYPES.has(out.type)) delete out.type;
  if (out.$ref !== undefined) {
    delete out.type;
    delete out.properties;
  }
  if (out.minimum === undefined) delete out.exclusiveMinimum;
  if (out.maximum === undefined) delete out.exclusiveMaximum;
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  return out;
}

/**
 * The OpenAPI v3.0 form of a neutral schema: references into `#/components/schemas/`, a `$ref`
 * with sibling keywords wrapped as `allOf: [{$ref}]` (OpenAPI 3.0 ignores a reference's siblings),
 * int-or-string spelled out as `anyOf` integer/string as kube publishes it.
 */
export function toV3Schema(schema: JsonObject): JsonObject {
  const out: JsonObject = { ...schema };
  if (isRecord(schema.properties)) {
    const converted: JsonObject = {};
    for (const [name, sub] of Object.entries(schema.properties)) {
      converted[name] = toV3Schema(sub as JsonObject);
    }
    out.properties = converted;
  }
  for (const key of ['additionalProperties', 'items', 'not'] as const) {
    const sub = schema[key];
    if (isRecord(sub)) out[key] = toV3Schema(sub);
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map((s) => toV3Schema(s as JsonObject));
  }
  if (
    out['x-kubernetes-int-or-string'] === true &&
    out.anyOf === undefined &&
    out.allOf === undefined
  ) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (typeof out.$ref === 'string') {
    const name = definitionOf(out.$ref);
    const target = name === undefined ? out.$ref : COMPONENTS_PREFIX + name;
    delete out.$ref;
    if (Object.keys(out).length === 0) return { $ref: target };
    const allOf = Array.isArray(out.allOf) ? out.allOf : [];
    return { ...out, allOf: [{ $ref: target }, ...allOf] };
  }
  return out;
}
