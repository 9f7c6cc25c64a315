/**
 * Server-side printing as kube prints its built-in kinds (k8s.io/kubernetes pkg/printers
 * internalversion): computed cells such as a count of data entries or an age, which printer
 * columns with JSONPaths cannot express.
 * @module
 */
import type { KubeObject, TableColumnDefinition, TableRow } from '@kapi/apimachinery';
import { rowObject } from '@kapi/server';
import type { TableConvertor } from '@kapi/server';

/** A column as kube's printers declare it (format and priority default to none and 0). */
export interface Column {
  name: string;
  type?: string;
  format?: string;
  description: string;
  /** 1 shows the column with `-o wide` only. */
  priority?: number;
}

/** The Name column every kind prints first. */
export const NAME_COLUMN: Column = {
  name: 'Name',
  format: 'name',
  description: 'The name of the object, unique in its namespace for its kind.',
};

/** The Age column: how long ago the object was created, as kube prints it (`5m`, `3d4h`). */
export const AGE_COLUMN: Column = {
  name: 'Age',
  description: 'How long ago the object was created.',
};

/**
 * A duration as a short human string, as kube prints ages (as kube: k8s.io/apimachinery
 * pkg/util/duration HumanDuration): `45s`, `3m12s`, `2h5m`, `3d4h`, `2y13d`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // up to two seconds in the future is clock skew, and prints as now
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The age of a timestamp, `<unknown>` when it is unset (as kube's translateTimestampSince). */
export function timestampSince(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '<unknown>';
  return humanDuration(now - at);
}

/** A table convertor from column definitions and a function computing one row's cells. */
export function printer(
  columns: readonly Column[],
  cells: (obj: KubeObject, now: number) => unknown[],
): TableConvertor {
  const columnDefinitions: TableColumnDefinition[] = columns.map((c) => ({
    name: c.name,
    type: c.type ?? 'string',
    format: c.format ?? '',
    description: c.description,
    priority: c.priority ?? 0,
  }));
  return {
    columnDefinitions,
    rows: (objects, include) => {
      const now = Date.now();
      return objects.map((obj) => {
        const row: TableRow = { cells: cells(obj, now) };
        const object = rowObject(obj, include);
        if (object !== undefined) row.object = object;
        return row;
      });
    },
  };
}

/** The number of entries of a map or list field. */
export function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 0;
}
