/**
 * OpenAPI v2 and v3 for what a Kapi server serves: documents built from the scheme and the
 * discovery groups, the gnostic protobuf form of v2 that older kubectl needs, and a handler for
 * `/openapi/v2` and `/openapi/v3`.
 * @module
 */
export {
  DEFAULT_PATCH_TYPES,
  DEFAULT_PRODUCES,
  buildOpenAPIV2,
  buildOpenAPIV3,
} from './builder.js';
export { OPENAPI_V2_PATH, OPENAPI_V3_PATH, OpenAPIHandler } from './handler.js';
export { META_NAMES } from './meta-definitions.js';
export { defaultDefinitionName, definitionPrefix, operationId, operationTag } from './names.js';
export {
  OPENAPI_V2_DESCRIPTOR,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  OPENAPI_V2_PROTOBUF_MEDIA_TYPE,
  decodeOpenAPIV2Protobuf,
  encodeOpenAPIV2Protobuf,
} from './protobuf.js';
export type {
  JsonObject,
  JsonValue,
  OpenAPIOptions,
  OpenAPIV3Document,
  OpenAPIV3Index,
  SwaggerDocument,
} from './types.js';
