/**
 * Query parameters of the REST verbs, parsed and validated as kube's parameter codec and
 * meta/v1 validation do.
 * @module
 */
import { badRequest, fieldError, invalid } from '@kapi/apimachinery';
import type {
  DeletionPropagation,
  FieldError,
  FieldValidation,
  ResourceVersionMatch,
} from '@kapi/apimachinery';
import { queryBool } from '../request-info.js';

const optionsGroup = 'meta.k8s.io';

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) {
    // as kube's parameter codec: a value that does not parse as an integer is a 400
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}

/** dryRun values: only `All` exists. */
function dryRunOf(query: URLSearchParams): { dryRun: boolean; errors: FieldError[] } {
  const values = query.getAll('dryRun');
  const errors: FieldError[] = [];
  for (const v of values) {
    if (v !== 'All') errors.push(fieldError.notSupported('dryRun', v, ['All']));
  }
  return { dryRun: values.length > 0 && errors.length === 0, errors };
}

/** Options of a write (create, update, patch). */
export interface WriteQuery {
  dryRun: boolean;
  fieldManager: string | undefined;
  fieldValidation: FieldValidation;
  /** Server-side apply only. */
  force: boolean;
  pretty: boolean;
}

/** Parses and validates the options of a write; a bad one is kube's 422 on `<Kind>Options.meta.k8s.io`. */
export function writeQuery(
  query: URLSearchParams,
  optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): WriteQuery {
  const { dryRun, errors } = dryRunOf(query);
  const rawValidation = query.get('fieldValidation') ?? '';
  let fieldValidation: FieldValidation = 'Warn';
  if (rawValidation !== '') {
    if (rawValidation === 'Ignore' || rawValidation === 'Warn' || rawValidation === 'Strict')
      fieldValidation = rawValidation;
    else
      errors.push(
        fieldError.notSupported('fieldValidation', rawValidation, ['Ignore', 'Strict', 'Warn']),
      );
  }
  const fieldManager = query.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined) {
    if (fieldManager.length > 128)
      errors.push(fieldError.tooLong('fieldManager', fieldManager, 128));
    else if (!/^[\x20-\x7e]*$/.test(fieldManager)) {
      errors.push(
        fieldError.invalid('fieldManager', fieldManager, 'must only contain printable characters'),
      );
    }
  }
  const force = queryBool(query.get('force')) === true;
  if (force && optionsKind !== 'PatchOptions') {
    errors.push(fieldError.forbidden('force', 'may not be specified for non-apply patch'));
  }
  if (errors.length > 0) throw invalid({ group: optionsGroup, kind: optionsKind }, '', errors);
  return {
    dryRun,
    fieldManager: fieldManager === '' ? undefined : fieldManager,
    fieldValidation,
    force,
    pretty: queryBool(query.get('pretty')) === true,
  };
}

/** Options of a list or watch. */
export interface ListQuery {
  watch: boolean;
  labelSelector: string | null;
  fieldSelector: string | null;
  resourceVersion: string | undefined;
  resourceVersionMatch: ResourceVersionMatch | undefined;
  limit: number;
  continue: string | undefined;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
}

/** Parses and validates list options (as kube's ValidateListOptions): a bad combination is a 422 on `ListOptions.meta.k8s.io`. */
export function listQuery(query: URLSearchParams, isWatch: boolean): ListQuery {
  const rv = query.get('resourceVersion') ?? undefined;
  const rawMatch = query.get('resourceVersionMatch') ?? '';
  const cont = query.get('continue') ?? '';
  const sendInitialEvents = queryBool(query.get('sendInitialEvents'));
  const allowWatchBookmarks = queryBool(query.get('allowWatchBookmarks')) === true;
  const errors: FieldError[] = [];
  let resourceVersionMatch: ResourceVersionMatch | undefined;
  if (rawMatch !== '') {
    if (rawMatch === 'NotOlderThan' || rawMatch === 'Exact') resourceVersionMatch = rawMatch;
    else
      errors.push(
        fieldError.notSupported('resourceVersionMatch', rawMatch, ['Exact', 'NotOlderThan', '']),
      );
  }
  if (sendInitialEvents !== undefined) {
    if (!isWatch)
      errors.push(
        fieldError.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'),
      );
    else {
      if (resourceVersionMatch !== 'NotOlderThan') {
        errors.push(
          fieldError.forbidden(
            'resourceVersionMatch',
            'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
          ),
        );
      }
      if (!allowWatchBookmarks && sendInitialEvents) {
        errors.push(
          fieldError.forbidden(
            'allowWatchBookmarks',
            'sendInitialEvents requires setting allowWatchBookmarks to true',
          ),
        );
      }
    }
  } else if (resourceVersionMatch !== undefined) {
    if (isWatch)
      errors.push(
        fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch'),
      );
    if (rv === undefined || rv === '') {
      errors.push(
        fieldError.forbidden(
          'resourceVersionMatch',
          'resourceVersionMatch is forbidden unless resourceVersion is provided',
        ),
      );
    }
    if (cont !== '') {
      errors.push(
        fieldError.forbidden(
          'resourceVersionMatch',
          'resourceVersionMatch is forbidden when continue is provided',
        ),
      );
    }
    if (resourceVersionMatch === 'Exact' && rv === '0') {
      errors.push(
        fieldError.forbidden(
          'resourceVersionMatch',
          'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
        ),
      );
    }
  }
  if (errors.length > 0) throw invalid({ group: optionsGroup, kind: 'ListOptions' }, '', errors);
  if (cont !== '' && rv !== undefined && rv !== '' && rv !== '0') {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  const limit = integerParam(query, 'limit') ?? 0;
  const timeoutSeconds = integerParam(query, 'timeoutSeconds');
  return {
    watch: isWatch,
    labelSelector: query.get('labelSelector'),
    fieldSelector: query.get('fieldSelector'),
    resourceVersion: rv,
    resourceVersionMatch,
    limit: limit > 0 ? limit : 0,
    continue: cont === '' ? undefined : cont,
    allowWatchBookmarks,
    sendInitialEvents,
    timeoutSeconds: timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds : undefined,
  };
}

/** Delete options from the query, over any given in the body (query wins, as kube's). */
export interface DeleteQuery {
  dryRun: boolean;
  gracePeriodSeconds: number | undefined;
  propagationPolicy: DeletionPropagation | undefined;
  orphanDependents: boolean | undefined;
  preconditions: { uid?: string; resourceVersion?: string } | undefined;
}

/** Merges and validates DELETE options from the body and the query. */
export function deleteQuery(
  query: URLSearchParams,
  body: Record<string, unknown> | undefined,
): DeleteQuery {
  const errors: FieldError[] = [];
  const bodyDryRun = Array.isArray(body?.dryRun) ? (body.dryRun as unknown[]) : [];
  const queryDry = dryRunOf(query);
  errors.push(...queryDry.errors);
  for (const v of bodyDryRun)
    if (v !== 'All') errors.push(fieldError.notSupported('dryRun', v, ['All']));
  const grace =
    integerParam(query, 'gracePeriodSeconds') ??
    (typeof body?.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined);
  const propagation =
    query.get('propagationPolicy') ??
    (typeof body?.propagationPolicy === 'string' ? body.propagationPolicy : undefined);
  if (propagation !== undefined && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
    errors.push(
      fieldError.notSupported('propagationPolicy', propagation, [
        'Foreground',
        'Background',
        'Orphan',
        'nil',
      ]),
    );
  }
  const orphan =
    queryBool(query.get('orphanDependents')) ??
    (typeof body?.orphanDependents === 'boolean' ? body.orphanDependents : undefined);
  if (orphan !== undefined && propagation !== undefined) {
    errors.push(
      fieldError.invalid(
        'propagationPolicy',
        propagation,
        'orphanDependents and deletionPropagation cannot be both set',
      ),
    );
  }
  if (grace !== undefined && grace < 0)
    errors.push(
      fieldError.invalid('gracePeriodSeconds', grace, 'must be greater than or equal to 0'),
    );
  if (errors.length > 0) throw invalid({ group: optionsGroup, kind: 'DeleteOptions' }, '', errors);
  const pre = body?.preconditions as { uid?: unknown; resourceVersion?: unknown } | undefined;
  let preconditions: DeleteQuery['preconditions'];
  if (pre !== undefined && pre !== null) {
    preconditions = {};
    if (typeof pre.uid === 'string') preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string')
      preconditions.resourceVersion = pre.resourceVersion;
  }
  return {
    dryRun: queryDry.dryRun || bodyDryRun.length > 0,
    gracePeriodSeconds: grace,
    propagationPolicy: propagation as DeletionPropagation | undefined,
    orphanDependents: orphan,
    preconditions,
  };
}
