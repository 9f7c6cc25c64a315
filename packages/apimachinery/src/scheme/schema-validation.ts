/**
 * JSON-schema validation with ajv, its failures reported as kube field errors worded as
 * kube-apiserver words a custom resource's schema failures (k8s.io/apiextensions-apiserver
 * pkg/apiserver/validation kubeOpenAPIResultToFieldErrors over k8s.io/kube-openapi validation
 * errors).
 * @module
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldError, OMIT_VALUE, quote, type FieldError } from '../errors.js';
import type { JsonSchema } from './types.js';

/** The path kube prints for an error at the object's root (a nil `field.Path`). */
export const ROOT_PATH = '<nil>';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAC = /^[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}$/;

function isCidr(s: string): boolean {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** String formats checked as kube's CRD validation checks them; other formats pass, as in kube. */
const FORMATS: Record<string, RegExp | ((s: string) => boolean)> = {
  date: DATE,
  'date-time': DATE_TIME,
  datetime: DATE_TIME,
  uuid: UUID,
  uuid3: UUID,
  uuid4: UUID,
  uuid5: UUID,
  byte: BASE64,
  hostname: HOSTNAME,
  mac: MAC,
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  cidr: isCidr,
};

/** A fresh ajv set up for kube-style schemas: every error, unknown keywords and formats ignored. */
export function createAjv(): Ajv {
  return new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    formats: FORMATS,
    // no pass over ajv's meta-schema first: compiling that costs ~25 ms per instance (most of a
    // test server's boot), and the compiler itself already refuses a keyword of the wrong shape
    validateSchema: false,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
const SCHEMA_VALUED = new Set([
  'additionalProperties',
  'additionalItems',
  'items',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
]);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Rewrites the OpenAPI v3.0 parts ajv (draft-07) reads differently; never mutates its input. */
export function toAjvSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAjvSchema);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAjvSchema(v)]));
    } else if (SCHEMA_VALUED.has(key) || SCHEMA_LISTS.has(key)) {
      out[key] = toAjvSchema(value);
    } else if (key === 'dependencies' && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : toAjvSchema(v)]),
      );
    } else {
      out[key] = value;
    }
  }
  // OpenAPI v3.0: a boolean exclusive flag qualifies minimum/maximum
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      out[bound] = undefined;
    } else {
      out[flag] = undefined;
    }
  }
  // as kube: apiextensions ConvertJSONSchemaProps turns int-or-string into type [integer, string]
  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined) {
    out.type = ['integer', 'string'];
  }
  // ajv refuses `nullable` without `type`; without a type every value (null too) passes anyway
  if (out.nullable !== true || out.type === undefined) out.nullable = undefined;
  // a root $id would clash when the same schema is compiled for two versions
  out.$id = undefined;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Compiles a schema; a schema ajv rejects throws. */
export function compileSchema(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  return ajv.compile(toAjvSchema(schema) as Record<string, unknown>);
}

/** The JSON type name of a value as kube-openapi reports it (`integer` for whole numbers). */
function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** A JSON pointer into `root` as a kube field path: `/spec/ports/0/name` → `spec.ports[0].name`. */
export function fieldPathOf(root: unknown, pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      path += `[${segment}]`;
      node = node[Number(segment)] as unknown;
    } else {
      path = child(path, segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return isRecord(value) ? Object.keys(value).length : 0;
}

function toFieldError(e: ErrorObject, root: unknown): FieldError {
  const params = e.params as Record<string, unknown>;
  const path = fieldPathOf(root, e.instancePath);
  const at = path === '' ? ROOT_PATH : path;
  // kube-openapi's messages start with the path, which is empty at the root
  const says = (text: string): string => `${path} ${text}`.trimStart();
  const value: unknown = e.data;
  const limit = String(params.limit);
  switch (e.keyword) {
    case 'required':
      return fieldError.required(child(path, String(params.missingProperty)));
    case 'enum':
    case 'const': {
      const allowed =
        e.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue];
      return fieldError.notSupported(
        at,
        value,
        allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      );
    }
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.join(',') : String(params.type);
      const actual = jsonTypeOf(value);
      return fieldError.typeInvalid(
        at,
        actual,
        says(`in body must be of type ${expected}: ${quote(actual)}`),
      );
    }
    case 'format':
      return fieldError.typeInvalid(
        at,
        value,
        says(`in body must be of type ${String(params.format)}: ${quote(String(value))}`),
      );
    case 'maxLength':
      return fieldError.tooLong(at, value, Number(params.limit));
    case 'minLength':
      return fieldError.invalid(at, value, says(`in body should be at least ${limit} chars long`));
    case 'pattern':
      return fieldError.invalid(
        at,
        value,
        says(`in body should match '${String(params.pattern)}'`),
      );
    case 'minimum':
      return fieldError.invalid(
        at,
        value,
        says(`in body should be greater than or equal to ${limit}`),
      );
    case 'exclusiveMinimum':
      return fieldError.invalid(at, value, says(`in body should be greater than ${limit}`));
    case 'maximum':
      return fieldError.invalid(
        at,
        value,
        says(`in body should be less than or equal to ${limit}`),
      );
    case 'exclusiveMaximum':
      return fieldError.invalid(at, value, says(`in body should be less than ${limit}`));
    case 'multipleOf':
      return fieldError.invalid(
        at,
        value,
        says(`in body should be a multiple of ${String(params.multipleOf)}`),
      );
    case 'maxItems':
    case 'maxProperties':
      return fieldError.tooMany(at, countOf(value), Number(params.limit));
    case 'minItems':
      return fieldError.invalid(
        at,
        countOf(value),
        says(`in body should have at least ${limit} items`),
      );
    case 'minProperties':
      return fieldError.invalid(
        at,
        countOf(value),
        says(`in body should have at least ${limit} properties`),
      );
    case 'uniqueItems': {
      // kube reports a duplicate list entry at its own index (as for x-kubernetes-list-type: set)
      // ajv names the two equal items in either order; the later one is the duplicate
      const index = Math.max(Number(params.i), Number(params.j));
      const item: unknown = Array.isArray(value) ? value[index] : undefined;
      return fieldError.duplicate(`${path}[${index}]`, item);
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return fieldError.invalid(at, name, `${path}.${name} in body is a forbidden property`);
    }
    case 'anyOf':
      return fieldError.invalid(at, OMIT_VALUE, says('must validate at least one schema (anyOf)'));
    case 'oneOf': {
      const passing = params.passingSchemas;
      const found = Array.isArray(passing)
        ? `Found ${passing.length} valid alternatives`
        : 'Found none valid';
      return fieldError.invalid(
        at,
        OMIT_VALUE,
        says(`must validate one and only one schema (oneOf). ${found}`),
      );
    }
    case 'not':
      return fieldError.invalid(at, OMIT_VALUE, says('must not validate the schema (not)'));
    default:
      return fieldError.invalid(at, value, says(`in body ${e.message ?? `fails ${e.keyword}`}`));
  }
}

/**
 * Turns ajv's errors for `root` into field errors. The failures inside the branches of a failed
 * `anyOf`/`oneOf` are folded into that one error, so a user sees why the field failed, not every
 * alternative's complaint.
 */
export function toFieldErrors(errors: readonly ErrorObject[], root: unknown): FieldError[] {
  const composites = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inBranch = (e: ErrorObject): boolean =>
    composites.some(
      (c) =>
        e !== c &&
        e.schemaPath.startsWith(`${c.schemaPath}/`) &&
        (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)),
    );
  return errors.filter((e) => !inBranch(e)).map((e) => toFieldError(e, root));
}
