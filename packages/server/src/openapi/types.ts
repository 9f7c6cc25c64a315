/**
 * The plain-data shapes of the OpenAPI documents Kapi serves, and the options that build them.
 * @module
 */
import type { GroupVersionKind } from '@kapi/apimachinery';

/** A JSON value. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, e.g. one schema or one operation of an OpenAPI document. */
export type JsonObject = { [key: string]: JsonValue };

/** An OpenAPI v2 (swagger 2.0) document, as `GET /openapi/v2` answers in JSON. */
export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
  securityDefinitions: Record<string, JsonObject>;
  security: Record<string, string[]>[];
}

/** An OpenAPI v3.0 document for one group version, as `GET /openapi/v3/apis/<g>/<v>` answers. */
export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  components: {
    schemas: Record<string, JsonObject>;
    securitySchemes: Record<string, JsonObject>;
  };
  security: Record<string, string[]>[];
}

/** The `/openapi/v3` index: one server-relative URL (with its content hash) per group version. */
export interface OpenAPIV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

/** Options of the OpenAPI documents. */
export interface OpenAPIOptions {
  /** `info.title`; defaults to `Kubernetes`, as kube-apiserver names its documents. */
  title?: string;
  /** `info.version`, conventionally the server's git version; defaults to `unversioned`. */
  version?: string;
  /**
   * Media types responses come in (`produces`); defaults to JSON and YAML. Add
   * `application/vnd.kubernetes.protobuf` when the server answers in protobuf.
   */
  produces?: readonly string[];
  /**
   * Media types PATCH accepts (`consumes`); defaults to JSON patch, merge patch, strategic merge
   * patch and server-side apply.
   */
  patchTypes?: readonly string[];
  /**
   * Names the definition of a kind; defaults to {@link defaultDefinitionName} (kube's names for
   * kube's own groups, reverse-DNS `com.example.wardle.v1alpha1.Flunder` for every other group).
   */
  definitionName?: (gvk: GroupVersionKind) => string;
  /**
   * Extra shared definitions (neutral form: `$ref`s as `#/definitions/<name>`) that kind schemas
   * may reference by name, e.g. `io.k8s.api.core.v1.ObjectReference`. They override the built-in
   * meta definitions of the same name.
   */
  definitions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
