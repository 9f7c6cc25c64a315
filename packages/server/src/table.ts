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

/**
 * A duration as kube prints ages (k8s.io/apimachinery pkg/util/duration HumanDuration): `45s`,
 * `3m12s`, `15m`, `5h20m`, `2d4h`, `1y30d`; `<invalid>` for a time well in the future.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * One printer-column cell as kube's CRD table convertor computes it: the first value the path
 * selects, checked against the column's type (a mismatch prints nothing), dates as ages.
 */
function cellValue(values: unknown[], type: PrinterColumn['type'], now: number): unknown {
  const value = values[0];
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      // numbers and booleans print as JSON does; objects as JSON
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const at = Date.parse(value);
      return Number.isNaN(at) ? '<invalid>' : humanDuration(now - at);
    }
  }
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
        const now = Date.now();
        const row: TableRow = {
          cells: [
            obj.metadata?.name ?? '',
            ...compiled.map((c) => cellValue(c.path.evaluate(obj), c.column.type, now)),
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
