/**
 * The gnostic protobuf form of an OpenAPI v2 document (`openapi.v2.Document` of
 * google/gnostic-models `openapiv2/OpenAPIv2.proto`), which kubectl 1.20–1.28 need for `apply` and
 * `explain` (client-go asks for it with no JSON fallback). The descriptor below is written from the
 * field numbers of that file; field names are Kapi's own (only numbers reach the wire).
 *
 * Free-form values (vendor extensions, `default`, `example`, `enum` entries) travel as
 * `openapi.v2.Any` with the value as YAML text, which is what kubectl reads (kube-openapi
 * pkg/util/proto VendorExtensionToMap). YAML 1.1 is written, since Go's yaml.v2 reads 1.1 (so
 * `"no"` stays a string). protobufjs and yaml are imported on first use only.
 * @module
 */
import type * as Protobufjs from 'protobufjs';
import type { ProtobufDescriptor } from '@kapi/apimachinery';
import type { JsonObject, SwaggerDocument } from './types.js';

/** The media type kubectl asks for (client-go `openAPIV2mimePb`). */
export const OPENAPI_V2_PROTOBUF_MEDIA_TYPE =
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** The media type kube-apiserver answers with (note `.v1.0`, not `@v1.0`). */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE =
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface FieldJSON {
  id: number;
  type: string;
  rule?: 'repeated';
}

type MessageJSON = {
  fields: Record<string, FieldJSON>;
  oneofs?: Record<string, { oneof: string[] }>;
};

const f = (id: number, type: string): FieldJSON => ({ id, type });
const r = (id: number, type: string): FieldJSON => ({ id, type, rule: 'repeated' });
const oneof = (fields: Record<string, FieldJSON>): MessageJSON => ({
  fields,
  oneofs: { oneof: { oneof: Object.keys(fields) } },
});

/** Fields shared by query and form-data parameters (same numbers in both). */
const queryLikeParameter = (): MessageJSON => ({
  fields: {
    required: f(1, 'bool'),
    in: f(2, 'string'),
    description: f(3, 'string'),
    name: f(4, 'string'),
    allowEmptyValue: f(5, 'bool'),
    type: f(6, 'string'),
    format: f(7, 'string'),
    items: f(8, 'PrimitivesItems'),
    collectionFormat: f(9, 'string'),
    default: f(10, 'Any'),
    maximum: f(11, 'double'),
    exclusiveMaximum: f(12, 'bool'),
    minimum: f(13, 'double'),
    exclusiveMinimum: f(14, 'bool'),
    maxLength: f(15, 'int64'),
    minLength: f(16, 'int64'),
    pattern: f(17, 'string'),
    maxItems: f(18, 'int64'),
    minItems: f(19, 'int64'),
    uniqueItems: f(20, 'bool'),
    enum: r(21, 'Any'),
    multipleOf: f(22, 'double'),
    vendorExtension: r(23, 'NamedAny'),
  },
});

/** Fields shared by path and header parameters (same numbers in both). */
const pathLikeParameter = (): MessageJSON => ({
  fields: {
    required: f(1, 'bool'),
    in: f(2, 'string'),
    description: f(3, 'string'),
    name: f(4, 'string'),
    type: f(5, 'string'),
    format: f(6, 'string'),
    items: f(7, 'PrimitivesItems'),
    collectionFormat: f(8, 'string'),
    default: f(9, 'Any'),
    maximum: f(10, 'double'),
    exclusiveMaximum: f(11, 'bool'),
    minimum: f(12, 'double'),
    exclusiveMinimum: f(13, 'bool'),
    maxLength: f(14, 'int64'),
    minLength: f(15, 'int64'),
    pattern: f(16, 'string'),
    maxItems: f(17, 'int64'),
    minItems: f(18, 'int64'),
    uniqueItems: f(19, 'bool'),
    enum: r(20, 'Any'),
    multipleOf: f(21, 'double'),
    vendorExtension: r(22, 'NamedAny'),
  },
});

/**
 * The protobufjs JSON descriptor of the `openapi.v2` messages Kapi writes, numbered as gnostic's
 * `OpenAPIv2.proto` (v0.6.8 through v0.7.x).
 */
export const OPENAPI_V2_DESCRIPTOR: ProtobufDescriptor = {
  nested: {
    openapi: {
      nested: {
        v2: {
          nested: {
            Document: {
              fields: {
                swagger: f(1, 'string'),
                info: f(2, 'Info'),
                host: f(3, 'string'),
                basePath: f(4, 'string'),
                schemes: r(5, 'string'),
                consumes: r(6, 'string'),
                produces: r(7, 'string'),
                paths: f(8, 'Paths'),
                definitions: f(9, 'Definitions'),
                parameters: f(10, 'ParameterDefinitions'),
                responses: f(11, 'ResponseDefinitions'),
                security: r(12, 'SecurityRequirement'),
                securityDefinitions: f(13, 'SecurityDefinitions'),
                tags: r(14, 'Tag'),
                externalDocs: f(15, 'ExternalDocs'),
                vendorExtension: r(16, 'NamedAny'),
              },
            },
            Info: {
              fields: {
                title: f(1, 'string'),
                version: f(2, 'string'),
                description: f(3, 'string'),
                termsOfService: f(4, 'string'),
                contact: f(5, 'Contact'),
                license: f(6, 'License'),
                vendorExtension: r(7, 'NamedAny'),
              },
            },
            Contact: {
              fields: {
                name: f(1, 'string'),
                url: f(2, 'string'),
                email: f(3, 'string'),
                vendorExtension: r(4, 'NamedAny'),
              },
            },
            License: {
              fields: {
                name: f(1, 'string'),
                url: f(2, 'string'),
                vendorExtension: r(3, 'NamedAny'),
              },
            },
            Paths: { fields: { vendorExtension: r(1, 'NamedAny'), path: r(2, 'NamedPathItem') } },
            NamedPathItem: { fields: { name: f(1, 'string'), value: f(2, 'PathItem') } },
            PathItem: {
              fields: {
                ref: f(1, 'string'),
                get: f(2, 'Operation'),
                put: f(3, 'Operation'),
                post: f(4, 'Operation'),
                delete: f(5, 'Operation'),
                options: f(6, 'Operation'),
                head: f(7, 'Operation'),
                patch: f(8, 'Operation'),
                parameters: r(9, 'ParametersItem'),
                vendorExtension: r(10, 'NamedAny'),
              },
            },
            Operation: {
              fields: {
                tags: r(1, 'string'),
                summary: f(2, 'string'),
                description: f(3, 'string'),
                externalDocs: f(4, 'ExternalDocs'),
                operationId: f(5, 'string'),
                produces: r(6, 'string'),
                consumes: r(7, 'string'),
                parameters: r(8, 'ParametersItem'),
                responses: f(9, 'Responses'),
                schemes: r(10, 'string'),
                deprecated: f(11, 'bool'),
                security: r(12, 'SecurityRequirement'),
                vendorExtension: r(13, 'NamedAny'),
              },
            },
            ParametersItem: oneof({
              parameter: f(1, 'Parameter'),
              jsonReference: f(2, 'JsonReference'),
            }),
            Parameter: oneof({
              bodyParameter: f(1, 'BodyParameter'),
              nonBodyParameter: f(2, 'NonBodyParameter'),
            }),
            BodyParameter: {
              fields: {
                description: f(1, 'string'),
                name: f(2, 'string'),
                in: f(3, 'string'),
                required: f(4, 'bool'),
                schema: f(5, 'Schema'),
                vendorExtension: r(6, 'NamedAny'),
              },
            },
            NonBodyParameter: oneof({
              headerParameterSubSchema: f(1, 'HeaderParameterSubSchema'),
              formDataParameterSubSchema: f(2, 'FormDataParameterSubSchema'),
              queryParameterSubSchema: f(3, 'QueryParameterSubSchema'),
              pathParameterSubSchema: f(4, 'PathParameterSubSchema'),
            }),
            QueryParameterSubSchema: queryLikeParameter(),
            FormDataParameterSubSchema: queryLikeParameter(),
            PathParameterSubSchema: pathLikeParameter(),
            HeaderParameterSubSchema: pathLikeParameter(),
            PrimitivesItems: {
              fields: {
                type: f(1, 'string'),
                format: f(2, 'string'),
                items: f(3, 'PrimitivesItems'),
                collectionFormat: f(4, 'string'),
                default: f(5, 'Any'),
                maximum: f(6, 'double'),
                exclusiveMaximum: f(7, 'bool'),
                minimum: f(8, 'double'),
                exclusiveMinimum: f(9, 'bool'),
                maxLength: f(10, 'int64'),
                minLength: f(11, 'int64'),
                pattern: f(12, 'string'),
                maxItems: f(13, 'int64'),
                minItems: f(14, 'int64'),
                uniqueItems: f(15, 'bool'),
                enum: r(16, 'Any'),
                multipleOf: f(17, 'double'),
                vendorExtension: r(18, 'NamedAny'),
              },
            },
            JsonReference: { fields: { ref: f(1, 'string'), description: f(2, 'string') } },
            Responses: {
              fields: {
                responseCode: r(1, 'NamedResponseValue'),
                vendorExtension: r(2, 'NamedAny'),
              },
            },
            NamedResponseValue: { fields: { name: f(1, 'string'), value: f(2, 'ResponseValue') } },
            ResponseValue: oneof({
              response: f(1, 'Response'),
              jsonReference: f(2, 'JsonReference'),
            }),
            Response: {
              fields: {
                description: f(1, 'string'),
                schema: f(2, 'SchemaItem'),
                vendorExtension: r(5, 'NamedAny'),
              },
            },
            SchemaItem: oneof({ schema: f(1, 'Schema') }),
            Definitions: { fields: { additionalProperties: r(1, 'NamedSchema') } },
            NamedSchema: { fields: { name: f(1, 'string'), value: f(2, 'Schema') } },
            Schema: {
              fields: {
                ref: f(1, 'string'),
                format: f(2, 'string'),
                title: f(3, 'string'),
                description: f(4, 'string'),
                default: f(5, 'Any'),
                multipleOf: f(6, 'double'),
                maximum: f(7, 'double'),
                exclusiveMaximum: f(8, 'bool'),
                minimum: f(9, 'double'),
                exclusiveMinimum: f(10, 'bool'),
                maxLength: f(11, 'int64'),
                minLength: f(12, 'int64'),
                pattern: f(13, 'string'),
                maxItems: f(14, 'int64'),
                minItems: f(15, 'int64'),
                uniqueItems: f(16, 'bool'),
                maxProperties: f(17, 'int64'),
                minProperties: f(18, 'int64'),
                required: r(19, 'string'),
                enum: r(20, 'Any'),
                additionalProperties: f(21, 'AdditionalPropertiesItem'),
                type: f(22, 'TypeItem'),
                items: f(23, 'ItemsItem'),
                allOf: r(24, 'Schema'),
                properties: f(25, 'Properties'),
                discriminator: f(26, 'string'),
                readOnly: f(27, 'bool'),
                externalDocs: f(29, 'ExternalDocs'),
                example: f(30, 'Any'),
                vendorExtension: r(31, 'NamedAny'),
              },
            },
            TypeItem: { fields: { value: r(1, 'string') } },
            ItemsItem: { fields: { schema: r(1, 'Schema') } },
            Properties: { fields: { additionalProperties: r(1, 'NamedSchema') } },
            AdditionalPropertiesItem: oneof({ schema: f(1, 'Schema'), boolean: f(2, 'bool') }),
            Any: { fields: { yaml: f(2, 'string') } },
            NamedAny: { fields: { name: f(1, 'string'), value: f(2, 'Any') } },
            ExternalDocs: {
              fields: {
                description: f(1, 'string'),
                url: f(2, 'string'),
                vendorExtension: r(3, 'NamedAny'),
              },
            },
            ParameterDefinitions: { fields: { additionalProperties: r(1, 'NamedParameter') } },
            NamedParameter: { fields: { name: f(1, 'string'), value: f(2, 'Parameter') } },
            ResponseDefinitions: { fields: { additionalProperties: r(1, 'NamedResponse') } },
            NamedResponse: { fields: { name: f(1, 'string'), value: f(2, 'Response') } },
            SecurityRequirement: { fields: { additionalProperties: r(1, 'NamedStringArray') } },
            NamedStringArray: { fields: { name: f(1, 'string'), value: f(2, 'StringArray') } },
            StringArray: { fields: { value: r(1, 'string') } },
            SecurityDefinitions: {
              fields: { additionalProperties: r(1, 'NamedSecurityDefinitionsItem') },
            },
            NamedSecurityDefinitionsItem: {
              fields: { name: f(1, 'string'), value: f(2, 'SecurityDefinitionsItem') },
            },
            SecurityDefinitionsItem: oneof({
              basicAuthenticationSecurity: f(1, 'BasicAuthenticationSecurity'),
              apiKeySecurity: f(2, 'ApiKeySecurity'),
            }),
            BasicAuthenticationSecurity: {
              fields: {
                type: f(1, 'string'),
                description: f(2, 'string'),
                vendorExtension: r(3, 'NamedAny'),
              },
            },
            ApiKeySecurity: {
              fields: {
                type: f(1, 'string'),
                name: f(2, 'string'),
                in: f(3, 'string'),
                description: f(4, 'string'),
                vendorExtension: r(5, 'NamedAny'),
              },
            },
            Tag: {
              fields: {
                name: f(1, 'string'),
                description: f(2, 'string'),
                externalDocs: f(3, 'ExternalDocs'),
                vendorExtension: r(4, 'NamedAny'),
              },
            },
          } satisfies Record<string, MessageJSON>,
        },
      },
    },
  },
};

// ---- JSON ⇄ message-object mapping -------------------------------------------------------------

type Obj = Record<string, unknown>;

interface Yaml {
  stringify(value: unknown): string;
  parse(text: string): unknown;
}

/** Converts one JSON value to its protobufjs object form and back. */
interface Codec {
  enc(json: unknown, y: Yaml): unknown;
  dec(pb: unknown, y: Yaml): unknown;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const scalar: Codec = { enc: (v) => v, dec: (v) => v };

const anyValue: Codec = {
  enc: (v, y) => ({ yaml: y.stringify(v) }),
  dec: (v, y) => (isObj(v) && typeof v.yaml === 'string' ? y.parse(v.yaml) : undefined),
};

function list(item: Codec): Codec {
  return {
    enc: (v, y) => (Array.isArray(v) ? v.map((x) => item.enc(x, y)) : undefined),
    dec: (v, y) => (Array.isArray(v) ? v.map((x) => item.dec(x, y)) : undefined),
  };
}

/** A JSON object with arbitrary keys as an ordered list of `{name, value}`. */
function named(value: Codec, skipVendor = false): Codec {
  return {
    enc: (v, y) =>
      isObj(v)
        ? Object.entries(v)
            .filter(([k]) => !(skipVendor && k.startsWith('x-')))
            .map(([name, item]) => ({ name, value: value.enc(item, y) }))
        : undefined,
    dec: (v, y) => {
      if (!Array.isArray(v)) return undefined;
      const out: Obj = {};
      for (const entry of v as Obj[]) {
        out[typeof entry.name === 'string' ? entry.name : ''] = value.dec(entry.value ?? {}, y);
      }
      return out;
    },
  };
}

function lazy(get: () => Codec): Codec {
  return { enc: (v, y) => get().enc(v, y), dec: (v, y) => get().dec(v, y) };
}

/** A JSON object wrapped as the single repeated field of a message (`{additionalProperties: […]}`). */
function wrapped(field: string, inner: Codec): Codec {
  return {
    enc: (v, y) => ({ [field]: inner.enc(v, y) ?? [] }),
    dec: (v, y) => (isObj(v) ? (inner.dec(v[field] ?? [], y) ?? {}) : undefined),
  };
}

const vendor: Codec = {
  enc: (v, y) =>
    isObj(v)
      ? Object.entries(v)
          .filter(([k]) => k.startsWith('x-'))
          .map(([name, item]) => ({ name, value: { yaml: y.stringify(item) } }))
      : [],
  dec: (v, y) => {
    const out: Obj = {};
    if (Array.isArray(v)) {
      for (const entry of v as Obj[]) {
        const value = anyValue.dec(entry.value, y);
        if (typeof entry.name === 'string' && value !== undefined) out[entry.name] = value;
      }
    }
    return out;
  },
};

/**
 * A message whose fields map one to one to JSON keys (`[jsonKey, messageField, codec]`), with the
 * `x-` keys as `vendorExtension` when `withVendor`.
 */
function message(fields: readonly (readonly [string, string, Codec])[], withVendor = true): Codec {
  return {
    enc: (v, y) => {
      if (!isObj(v)) return undefined;
      const out: Obj = {};
      for (const [key, field, codec] of fields) {
        if (v[key] === undefined) continue;
        const encoded = codec.enc(v[key], y);
        if (encoded !== undefined) out[field] = encoded;
      }
      if (withVendor) {
        const ext = vendor.enc(v, y) as unknown[];
        if (ext.length > 0) out.vendorExtension = ext;
      }
      return out;
    },
    dec: (v, y) => {
      if (!isObj(v)) return undefined;
      const out: Obj = {};
      for (const [key, field, codec] of fields) {
        if (v[field] === undefined) continue;
        const decoded = codec.dec(v[field], y);
        if (decoded !== undefined) out[key] = decoded;
      }
      if (withVendor) Object.assign(out, vendor.dec(v.vendorExtension, y));
      return out;
    },
  };
}

const same = (...keys: string[]): (readonly [string, string, Codec])[] =>
  keys.map((k) => [k, k, scalar] as const);

const schema: Codec = lazy(() => schemaCodec);

const typeItem: Codec = {
  enc: (v) => ({ value: Array.isArray(v) ? v : [v] }),
  dec: (v) => {
    const values: unknown[] = isObj(v) && Array.isArray(v.value) ? v.value : [];
    return values.length === 1 ? values[0] : values;
  },
};

const itemsItem: Codec = {
  enc: (v, y) => ({ schema: (Array.isArray(v) ? v : [v]).map((s) => schema.enc(s, y)) }),
  dec: (v, y) => {
    const schemas = isObj(v) && Array.isArray(v.schema) ? v.schema : [];
    const decoded = schemas.map((s) => schema.dec(s, y));
    return decoded.length === 1 ? decoded[0] : decoded;
  },
};

const additionalPropertiesItem: Codec = {
  enc: (v, y) => (typeof v === 'boolean' ? { boolean: v } : { schema: schema.enc(v, y) }),
  dec: (v, y) => {
    if (!isObj(v)) return undefined;
    if (typeof v.boolean === 'boolean') return v.boolean;
    return schema.dec(v.schema ?? {}, y);
  },
};

const externalDocs = message(same('description', 'url'));

const schemaCodec: Codec = message([
  ['$ref', 'ref', scalar],
  ...same(
    'format',
    'title',
    'description',
    'multipleOf',
    'maximum',
    'exclusiveMaximum',
    'minimum',
    'exclusiveMinimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'maxProperties',
    'minProperties',
    'required',
    'discriminator',
    'readOnly',
  ),
  ['default', 'default', anyValue],
  ['enum', 'enum', list(anyValue)],
  ['additionalProperties', 'additionalProperties', additionalPropertiesItem],
  ['type', 'type', typeItem],
  ['items', 'items', itemsItem],
  ['allOf', 'allOf', list(schema)],
  ['properties', 'properties', wrapped('additionalProperties', named(schema))],
  ['externalDocs', 'externalDocs', externalDocs],
  ['example', 'example', anyValue],
]);

const primitivesItems: Codec = message([
  ...same(
    'type',
    'format',
    'collectionFormat',
    'maximum',
    'exclusiveMaximum',
    'minimum',
    'exclusiveMinimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'multipleOf',
  ),
  ['items', 'items', lazy(() => primitivesItems)],
  ['default', 'default', anyValue],
  ['enum', 'enum', list(anyValue)],
]);

const nonBodyFields = [
  ...same(
    'required',
    'in',
    'description',
    'name',
    'type',
    'format',
    'collectionFormat',
    'maximum',
    'exclusiveMaximum',
    'minimum',
    'exclusiveMinimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'multipleOf',
  ),
  ['items', 'items', primitivesItems],
  ['default', 'default', anyValue],
  ['enum', 'enum', list(anyValue)],
] as const;
const queryLike = message([...nonBodyFields, ...same('allowEmptyValue')]);
const pathLike = message(nonBodyFields);
const bodyParameter = message([
  ...same('description', 'name', 'in', 'required'),
  ['schema', 'schema', schema],
]);

const NON_BODY_FIELDS: Readonly<Record<string, [field: string, codec: Codec]>> = {
  query: ['queryParameterSubSchema', queryLike],
  formData: ['formDataParameterSubSchema', queryLike],
  path: ['pathParameterSubSchema', pathLike],
  header: ['headerParameterSubSchema', pathLike],
};

const parameter: Codec = {
  enc: (v, y) => {
    if (!isObj(v)) return undefined;
    if (v.in === 'body') return { bodyParameter: bodyParameter.enc(v, y) };
    const sub = NON_BODY_FIELDS[String(v.in)];
    if (sub === undefined)
      throw new Error(`openapi: parameter ${String(v.name)} is in ${String(v.in)}`);
    return { nonBodyParameter: { [sub[0]]: sub[1].enc(v, y) } };
  },
  dec: (v, y) => {
    if (!isObj(v)) return undefined;
    if (v.bodyParameter !== undefined) return bodyParameter.dec(v.bodyParameter, y);
    const nonBody = isObj(v.nonBodyParameter) ? v.nonBodyParameter : {};
    for (const [field, codec] of Object.values(NON_BODY_FIELDS)) {
      if (nonBody[field] !== undefined) return codec.dec(nonBody[field], y);
    }
    return undefined;
  },
};

const jsonReference = message([['$ref', 'ref', scalar], ...same('description')], false);

const parametersItem: Codec = {
  enc: (v, y) =>
    isObj(v) && typeof v.$ref === 'string'
      ? { jsonReference: jsonReference.enc(v, y) }
      : { parameter: parameter.enc(v, y) },
  dec: (v, y) => {
    if (!isObj(v)) return undefined;
    if (v.jsonReference !== undefined) return jsonReference.dec(v.jsonReference, y);
    return parameter.dec(v.parameter, y);
  },
};

const response = message([
  ...same('description'),
  [
    'schema',
    'schema',
    {
      enc: (v, y) => ({ schema: schema.enc(v, y) }),
      dec: (v, y) => (isObj(v) ? schema.dec(v.schema ?? {}, y) : undefined),
    },
  ],
]);

const responseValue: Codec = {
  enc: (v, y) =>
    isObj(v) && typeof v.$ref === 'string'
      ? { jsonReference: jsonReference.enc(v, y) }
      : { response: response.enc(v, y) },
  dec: (v, y) => {
    if (!isObj(v)) return undefined;
    if (v.jsonReference !== undefined) return jsonReference.dec(v.jsonReference, y);
    return response.dec(v.response ?? {}, y);
  },
};

const responses: Codec = {
  enc: (v, y) => ({
    responseCode: named(responseValue, true).enc(v, y) ?? [],
    vendorExtension: vendor.enc(v, y),
  }),
  dec: (v, y) =>
    isObj(v)
      ? {
          ...(named(responseValue).dec(v.responseCode ?? [], y) as Obj),
          ...(vendor.dec(v.vendorExtension, y) as Obj),
        }
      : undefined,
};

const operation = message([
  ...same(
    'tags',
    'summary',
    'description',
    'operationId',
    'produces',
    'consumes',
    'schemes',
    'deprecated',
  ),
  ['externalDocs', 'externalDocs', externalDocs],
  ['parameters', 'parameters', list(parametersItem)],
  ['responses', 'responses', responses],
  ['security', 'security', lazy(() => security)],
]);

const pathItem = message([
  ['$ref', 'ref', scalar],
  ...(['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const).map(
    (m) => [m, m, operation] as const,
  ),
  ['parameters', 'parameters', list(parametersItem)],
]);

const paths: Codec = {
  enc: (v, y) => ({
    path: named(pathItem, true).enc(v, y) ?? [],
    vendorExtension: vendor.enc(v, y),
  }),
  dec: (v, y) =>
    isObj(v)
      ? {
          ...(named(pathItem).dec(v.path ?? [], y) as Obj),
          ...(vendor.dec(v.vendorExtension, y) as Obj),
        }
      : undefined,
};

const security: Codec = list({
  enc: (v) =>
    isObj(v)
      ? {
          additionalProperties: Object.entries(v).map(([name, scopes]) => ({
            name,
            value: { value: scopes },
          })),
        }
      : undefined,
  dec: (v) => {
    const out: Obj = {};
    const entries = isObj(v) && Array.isArray(v.additionalProperties) ? v.additionalProperties : [];
    for (const entry of entries as Obj[]) {
      const value = isObj(entry.value) && Array.isArray(entry.value.value) ? entry.value.value : [];
      out[typeof entry.name === 'string' ? entry.name : ''] = value;
    }
    return out;
  },
});

const SECURITY_SCHEMES: Readonly<Record<string, [field: string, codec: Codec]>> = {
  basic: ['basicAuthenticationSecurity', message(same('type', 'description'))],
  apiKey: ['apiKeySecurity', message(same('type', 'name', 'in', 'description'))],
};

const securityDefinitionsItem: Codec = {
  enc: (v, y) => {
    const scheme = isObj(v) ? SECURITY_SCHEMES[String(v.type)] : undefined;
    if (scheme === undefined)
      throw new Error('openapi: only basic and apiKey security schemes are encoded');
    return { [scheme[0]]: scheme[1].enc(v, y) };
  },
  dec: (v, y) => {
    if (!isObj(v)) return undefined;
    for (const [field, codec] of Object.values(SECURITY_SCHEMES)) {
      if (v[field] !== undefined) return codec.dec(v[field], y);
    }
    return undefined;
  },
};

const documentCodec = message([
  ...same('swagger', 'host', 'basePath', 'schemes', 'consumes', 'produces'),
  [
    'info',
    'info',
    message([
      ...same('title', 'version', 'description', 'termsOfService'),
      ['contact', 'contact', message(same('name', 'url', 'email'))],
      ['license', 'license', message(same('name', 'url'))],
    ]),
  ],
  ['paths', 'paths', paths],
  ['definitions', 'definitions', wrapped('additionalProperties', named(schema))],
  ['parameters', 'parameters', wrapped('additionalProperties', named(parameter))],
  ['responses', 'responses', wrapped('additionalProperties', named(response))],
  ['security', 'security', security],
  [
    'securityDefinitions',
    'securityDefinitions',
    wrapped('additionalProperties', named(securityDefinitionsItem)),
  ],
  [
    'tags',
    'tags',
    list(message([...same('name', 'description'), ['externalDocs', 'externalDocs', externalDocs]])),
  ],
  ['externalDocs', 'externalDocs', externalDocs],
]);

// ---- loading -------------------------------------------------------------------------------------

interface Loaded {
  document: Protobufjs.Type;
  yaml: Yaml;
}

let loading: Promise<Loaded> | undefined;

function load(): Promise<Loaded> {
  const promise = (loading ??= Promise.all([import('protobufjs'), import('yaml')]).then(
    ([pb, yamlModule]) => {
      const root = pb.default.Root.fromJSON(OPENAPI_V2_DESCRIPTOR);
      const yamlLib = yamlModule.default;
      return {
        document: root.lookupType('openapi.v2.Document'),
        yaml: {
          stringify: (value: unknown) => yamlLib.stringify(value, { version: '1.1' }),
          parse: (text: string) => yamlLib.parse(text, { version: '1.1' }) as unknown,
        },
      };
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  ));
  return promise;
}

/** Encodes an OpenAPI v2 document as a gnostic `openapi.v2.Document` message. */
export async function encodeOpenAPIV2Protobuf(
  doc: SwaggerDocument | JsonObject,
): Promise<Uint8Array> {
  const { document, yaml } = await load();
  const object = documentCodec.enc(doc, yaml) as Obj;
  return document.encode(document.fromObject(object)).finish();
}

/**
 * Decodes a gnostic `openapi.v2.Document` message back into the JSON document. Proto3 keeps no
 * zero values, so `false`, `0` and `""` in typed fields (e.g. `minimum: 0`) come back absent.
 */
export async function decodeOpenAPIV2Protobuf(bytes: Uint8Array): Promise<JsonObject> {
  const { document, yaml } = await load();
  const message = document.decode(bytes);
  const object = document.toObject(message, { longs: Number, defaults: false, oneofs: false });
  return documentCodec.dec(object, yaml) as JsonObject;
}
