/**
 * Building blocks of the core/v1 JSON schemas: the scalar and map shapes kube's OpenAPI uses, and
 * the shared reference types, written from the field lists kube publishes (k8s.io/api core/v1).
 * @module
 */
import type { JsonSchema } from '@kapi/apimachinery';

/** A string field. */
export function string(description: string): JsonSchema {
  return { type: 'string', description };
}

/** A boolean field. */
export function boolean(description: string): JsonSchema {
  return { type: 'boolean', description };
}

/** An int32 field. */
export function int32(description: string): JsonSchema {
  return { type: 'integer', format: 'int32', description };
}

/** A meta/v1 Time: RFC 3339 to the second; Go clients send `null` for an unset one. */
export function time(description: string): JsonSchema {
  return { type: 'string', format: 'date-time', nullable: true, description };
}

/** A meta/v1 MicroTime: RFC 3339 with microseconds; `null` when unset. */
export function microTime(description: string): JsonSchema {
  return { type: 'string', format: 'date-time', nullable: true, description };
}

/** `map[string]string`. */
export function stringMap(description: string): JsonSchema {
  return { type: 'object', additionalProperties: { type: 'string' }, description };
}

/** `map[string][]byte`: base64 values in JSON. */
export function bytesMap(description: string): JsonSchema {
  return {
    type: 'object',
    additionalProperties: { type: 'string', format: 'byte' },
    description,
  };
}

/** The root of a kind's schema: apiVersion, kind and metadata (the server fills in their OpenAPI form). */
export function kindSchema(
  description: string,
  properties: Record<string, JsonSchema>,
  extra: Record<string, unknown> = {},
): JsonSchema {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...properties,
    },
    ...extra,
  };
}

/** core/v1 ObjectReference, as a local definition (published as `io.k8s.api.core.v1.ObjectReference`). */
export const objectReference: JsonSchema = {
  type: 'object',
  description: 'A reference to another object, precise enough to find it.',
  properties: {
    apiVersion: string('API version of the referent.'),
    fieldPath: string('A path into the referent, for a part of it (e.g. spec.containers{name}).'),
    kind: string('Kind of the referent.'),
    name: string('Name of the referent.'),
    namespace: string('Namespace of the referent.'),
    resourceVersion: string('The version of the referent this reference was made to.'),
    uid: string('UID of the referent.'),
  },
  'x-kubernetes-map-type': 'atomic',
};

/** core/v1 LocalObjectReference, as a local definition. */
export const localObjectReference: JsonSchema = {
  type: 'object',
  description: 'A reference to another object in the same namespace, by name.',
  properties: {
    name: string('Name of the referent.'),
  },
  'x-kubernetes-map-type': 'atomic',
};

/** A reference to a local definition of the schema it appears in. */
export function definition(name: string, description?: string): JsonSchema {
  const ref = { $ref: `#/definitions/${name}` };
  return description === undefined ? ref : { allOf: [ref], description };
}
