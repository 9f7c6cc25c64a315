/**
 * Unknown-field detection for `fieldValidation`: walks an object against its JSON schema, drops the
 * fields the schema does not declare and reports their paths as kube's strict decoder does
 * (`unknown field "spec.foo"`). Built-in kinds in kube cannot hold unknown fields at all (Go
 * structs drop them), so dropping is what Ignore and Warn must do too.
 * @module
 */

type Schema = Readonly<Record<string, unknown>>;

/** The fields of meta/v1 ObjectMeta, known even when a kind's schema leaves metadata open. */
const objectMetaFields = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves `$ref`s of the form `#/definitions/X` or `#/components/schemas/X` against the root. */
function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string' && hops < 32; hops++) {
    const ref = s.$ref;
    const m = /^#\/(definitions|\$defs|components\/schemas)\/(.+)$/.exec(ref);
    if (m === null) return {};
    const container =
      m[1] === 'components/schemas'
        ? ((root.components as Schema | undefined)?.schemas as Schema | undefined)
        : (root[m[1]!] as Schema | undefined);
    const target = container?.[decodeURIComponent(m[2]!)];
    if (!isRecord(target)) return {};
    s = target;
  }
  return s;
}

/** The union of what `allOf`/`anyOf`/`oneOf` branches declare, for property lookups. */
function branches(schema: Schema, root: Schema): Schema[] {
  const out: Schema[] = [schema];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const b of list) if (isRecord(b)) out.push(resolve(b, root));
  }
  return out;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(
  value: unknown,
  schema: Schema,
  root: Schema,
  path: string,
  unknown: string[],
  isMetadata: boolean,
): void {
  const all = branches(resolve(schema, root), root);
  if (
    all.some(
      (s) =>
        s['x-kubernetes-preserve-unknown-fields'] === true ||
        s['x-kubernetes-int-or-string'] === true,
    )
  ) {
    return;
  }
  if (Array.isArray(value)) {
    const items = all.map((s) => s.items).find(isRecord);
    if (items !== undefined)
      value.forEach((v, i) => {
        walk(v, items, root, `${path}[${i}]`, unknown, false);
      });
    return;
  }
  if (!isRecord(value)) return;
  const properties = new Map<string, Schema>();
  let additional: Schema | undefined;
  let open = false;
  let declaresShape = false;
  for (const s of all) {
    if (isRecord(s.properties)) {
      declaresShape = true;
      for (const [k, v] of Object.entries(s.properties)) if (isRecord(v)) properties.set(k, v);
    }
    if (isRecord(s.additionalProperties)) additional = s.additionalProperties;
    else if (s.additionalProperties === true) open = true;
  }
  const embedded = all.some((s) => s['x-kubernetes-embedded-resource'] === true);
  for (const key of Object.keys(value)) {
    const child = properties.get(key);
    if (child !== undefined) {
      walk(
        value[key],
        child,
        root,
        childPath(path, key),
        unknown,
        path === '' && key === 'metadata',
      );
      continue;
    }
    if (additional !== undefined) {
      walk(value[key], additional, root, childPath(path, key), unknown, false);
      continue;
    }
    if (open) continue;
    if ((path === '' || embedded) && (key === 'apiVersion' || key === 'kind' || key === 'metadata'))
      continue;
    if (isMetadata && objectMetaFields.has(key)) continue;
    // a schema that declares nothing about an object's shape leaves it open
    if (!declaresShape && !isMetadata) continue;
    unknown.push(childPath(path, key));
    Reflect.deleteProperty(value, key);
  }
}

/**
 * Drops the fields of `obj` (in place) that `schema` does not declare and returns their paths,
 * as kube's strict decoder names them: `spec.foo`, `spec.containers[0].bar`, `metadata.baz`.
 */
export function pruneUnknownFields(obj: Record<string, unknown>, schema: Schema): string[] {
  const unknown: string[] = [];
  walk(obj, schema, schema, '', unknown, false);
  return unknown;
}
