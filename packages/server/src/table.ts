/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): a resource's
 * printer columns, or kube's default Name and Created At, as a meta.k8s.io Table.
 * @module
 */
import type {
  KubeObject,
  ListMeta,
  PartialObjectMetadata,
  Table,
  TableColumnDefinition,
  TableRow,
} from '@kapi/apimachinery';
import { compileJsonPath } from './jsonpath.js';
import type { CompiledJsonPath } from './jsonpath.js';

/** One printer column, as a CRD's `additionalPrinterColumns` declares it. */
export interface PrinterColumn {
  name: string;
  /** `string`, `integer`, `number`, `boolean` or `date` (kubectl shows dates as ages). */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 is shown always; higher only with `-o wide`. */
  priority?: number;
  /** The JSONPath of the value, e.g. `.spec.replicas`. */
  jsonPath: string;
}

/** What each row carries as its `object` (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Turns objects into Table rows for one resource. */
export interface TableConvertor {
  readonly columnDefinitions: TableColumnDefinition[];
  /** One row per object. */
  rows(objects: readonly KubeObject[], include: IncludeObject): TableRow[];
}

const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'The name of the object, unique among objects of its kind in its namespace.',
  priority: 0,
};

const createdColumn: TableColumnDefinition = {
  name: 'Created At',
  type: 'date',
  format: '',
  description: 'When the object was created, in RFC 3339 form, as the server recorded it.',
  priority: 0,
};

/** The object a row carries, per `includeObject`. */
export function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const partial: PartialObjectMetadata = {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata ?? {},
  };
  return partial as KubeObject;
}

function cellValue(values: unknown[], type: PrinterColumn['type']): unknown {
  if (values.length === 0) return null;
  if (values.length === 1) {
    const v = values[0];
    if (type === 'string' && typeof v === 'object' && v !== null) return JSON.stringify(v);
    return v;
  }
  // as kube's CRD table convertor: several results print as one comma-separated cell
  return values
    .map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))
    .join(',');
}

/** kube's default convertor: Name and Created At. */
export const defaultTableConvertor: TableConvertor = {
  columnDefinitions: [nameColumn, createdColumn],
  rows: (objects, include) =>
    objects.map((obj) => {
      const row: TableRow = {
        cells: [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null],
      };
      const o = rowObject(obj, include);
      if (o !== undefined) row.object = o;
      return row;
    }),
};

/** A convertor from printer columns; Name comes first, as kube's CRD convertor does. Compiles once. */
export function columnsTableConvertor(columns: readonly PrinterColumn[]): TableConvertor {
  const compiled: { column: PrinterColumn; path: CompiledJsonPath }[] = columns.map((column) => ({
    column,
    path: compileJsonPath(column.jsonPath),
  }));
  return {
    columnDefinitions: [
      nameColumn,
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    rows: (objects, include) =>
      objects.map((obj) => {
        const row: TableRow = {
          cells: [
            obj.metadata?.name ?? '',
            ...compiled.map((c) => cellValue(c.path.evaluate(obj), c.column.type)),
          ],
        };
        const o = rowObject(obj, include);
        if (o !== undefined) row.object = o;
        return row;
      }),
  };
}

/** Builds a Table of `objects`; column definitions only when `withColumns` (a watch sends them once). */
export function toTable(
  convertor: TableConvertor,
  objects: readonly KubeObject[],
  listMeta: ListMeta,
  include: IncludeObject,
  withColumns = true,
): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? convertor.columnDefinitions : [],
    rows: convertor.rows(objects, include),
  };
}
