/**
 * core/v1 Event: a report of something that happened to an object, which `kubectl describe` lists
 * by field selectors on `involvedObject` (as kube: k8s.io/kubernetes pkg/registry/core/event
 * strategy.go, pkg/apis/core/validation legacyValidateEvent).
 * @module
 */
import { defaultNamespaceScopedAttrs, fieldError, isQualifiedName } from '@kapi/apimachinery';
import type { FieldError, KindDefinition, KubeObject } from '@kapi/apimachinery';
import type { ResourceConfig, ResourceStrategy } from '@kapi/server';
import { NAME_COLUMN, printer, timestampSince } from '../printers.js';
import { validateMetadataFinalizers } from './finalizers.js';
import {
  definition,
  int32,
  kindSchema,
  microTime,
  objectReference,
  string,
  time,
} from './schema.js';

interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

interface Event extends KubeObject {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string | null } | null;
  action?: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

const eventSource = {
  type: 'object',
  description: 'The component that reported an event.',
  properties: {
    component: string('The component that reported the event.'),
    host: string('The node the event was reported from.'),
  },
};

const eventSeries = {
  type: 'object',
  description: 'A series of events that happened again and again.',
  properties: {
    count: int32('How many times the event has happened so far.'),
    lastObservedTime: microTime('When the last event of the series was seen.'),
  },
};

/** Event in the scheme. */
export const eventKind: KindDefinition = {
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  versions: {
    v1: {
      schema: kindSchema(
        'A report of something that happened to an object.',
        {
          action: string('What was done, or failed, about the object.'),
          count: int32('How many times this event has occurred.'),
          eventTime: microTime('When this event was first observed (newer reporters).'),
          firstTimestamp: time('When this event was first recorded.'),
          involvedObject: definition('ObjectReference', 'The object this event is about.'),
          lastTimestamp: time('When this event most recently occurred.'),
          message: string('A human-readable description of what happened.'),
          reason: string('A short, machine-readable reason, in CamelCase.'),
          related: definition('ObjectReference', 'A second object the event involves, if any.'),
          reportingComponent: string(
            'The controller that reported the event, e.g. kubernetes.io/kubelet.',
          ),
          reportingInstance: string('The instance of that controller, e.g. kubelet-xyzf.'),
          series: definition('EventSeries', 'Data about the series this event is part of, if any.'),
          source: definition('EventSource', 'The component reporting this event.'),
          type: string('The kind of event: Normal or Warning, for now.'),
        },
        {
          required: ['metadata', 'involvedObject'],
          definitions: {
            EventSeries: eventSeries,
            EventSource: eventSource,
            ObjectReference: objectReference,
          },
        },
      ),
    },
  },
};

// as kube's legacy limits on events
const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

function isSet(time: string | null | undefined): boolean {
  return typeof time === 'string' && time !== '';
}

/** The checks every core/v1 event passes, on create and on update (kube's legacyValidateEvent for v1). */
function validateEvent(obj: KubeObject): FieldError[] {
  const event = obj as Event;
  const errs = validateMetadataFinalizers(event);
  const namespace = event.metadata?.namespace ?? '';
  const involvedNamespace = event.involvedObject?.namespace ?? '';
  const mismatch = () =>
    fieldError.invalid(
      'involvedObject.namespace',
      involvedNamespace,
      'does not match event.namespace',
    );
  if (!isSet(event.eventTime)) {
    // an old-style event: its namespace must be the involved object's ("default" for cluster objects)
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNamespace) {
      errs.push(mismatch());
    }
    return errs;
  }
  if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') {
    errs.push(mismatch());
  }
  const controller = event.reportingComponent ?? '';
  if (controller === '') errs.push(fieldError.required('reportingComponent'));
  for (const msg of isQualifiedName(controller)) {
    errs.push(fieldError.invalid('reportingComponent', controller, msg));
  }
  const limited = (field: string, value: string, limit: number, required: boolean) => {
    if (required && value === '') errs.push(fieldError.required(field));
    if (value.length > limit) {
      errs.push(fieldError.invalid(field, '', `can have at most ${limit} characters`));
    }
  };
  limited('reportingInstance', event.reportingInstance ?? '', REPORTING_INSTANCE_LIMIT, true);
  limited('action', event.action ?? '', ACTION_LIMIT, true);
  limited('reason', event.reason ?? '', REASON_LIMIT, true);
  limited('message', event.message ?? '', NOTE_LIMIT, false);
  return errs;
}

const strategy: ResourceStrategy = {
  trackGeneration: false,
  // as kube: reporters write events with PUT whether or not they exist yet
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
  validate: validateEvent,
  validateUpdate: validateEvent,
};

/** The source an event is selected by: its reporting component, old style or new. */
function sourceOf(event: Event): string {
  const component = event.source?.component ?? '';
  return component !== '' ? component : (event.reportingComponent ?? '');
}

/** How the server serves events, with the field selectors `kubectl describe` sends. */
export const eventResource: ResourceConfig = {
  group: '',
  resource: 'events',
  strategy,
  selectableFields: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  getAttrs: (obj) => {
    const event = obj as Event;
    const attrs = defaultNamespaceScopedAttrs(obj);
    const involved = event.involvedObject ?? {};
    return {
      labels: attrs.labels,
      fields: {
        ...attrs.fields,
        'involvedObject.kind': involved.kind ?? '',
        'involvedObject.namespace': involved.namespace ?? '',
        'involvedObject.name': involved.name ?? '',
        'involvedObject.uid': involved.uid ?? '',
        'involvedObject.apiVersion': involved.apiVersion ?? '',
        'involvedObject.resourceVersion': involved.resourceVersion ?? '',
        'involvedObject.fieldPath': involved.fieldPath ?? '',
        reason: event.reason ?? '',
        reportingComponent: event.reportingComponent ?? '',
        source: sourceOf(event),
        type: event.type ?? '',
      },
    };
  },
};

function sourceColumn(event: Event): string {
  const host = event.source?.host ?? '';
  const instance = host !== '' ? host : (event.reportingInstance ?? '');
  const component = sourceOf(event);
  return instance === '' ? component : `${component}, ${instance}`;
}

/** `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and more with `-o wide`). */
export const eventPrinter = printer(
  [
    { name: 'Last Seen', description: 'When the event last occurred.' },
    { name: 'Type', description: 'Normal or Warning.' },
    { name: 'Reason', description: 'Why the event was reported.' },
    { name: 'Object', description: 'The object the event is about.' },
    { name: 'Subobject', priority: 1, description: 'The part of the object the event is about.' },
    { name: 'Source', priority: 1, description: 'The component that reported the event.' },
    { name: 'Message', description: 'What happened.' },
    { name: 'First Seen', priority: 1, description: 'When the event first occurred.' },
    { name: 'Count', priority: 1, description: 'How many times the event occurred.' },
    { ...NAME_COLUMN, priority: 1 },
  ],
  (obj, now) => {
    // as kube's printEvent: the newer eventTime and series stand in for the older timestamps
    const event = obj as Event;
    const firstSeen = isSet(event.firstTimestamp)
      ? timestampSince(event.firstTimestamp, now)
      : timestampSince(event.eventTime, now);
    let lastSeen = isSet(event.lastTimestamp)
      ? timestampSince(event.lastTimestamp, now)
      : firstSeen;
    let count = event.count ?? 0;
    if (event.series !== undefined && event.series !== null) {
      lastSeen = timestampSince(event.series.lastObservedTime, now);
      count = event.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const involved = event.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const target = (involved.name ?? '') === '' ? kind : `${kind}/${involved.name}`;
    return [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      target,
      involved.fieldPath ?? '',
      sourceColumn(event),
      (event.message ?? '').trim(),
      firstSeen,
      count,
      event.metadata?.name ?? '',
    ];
  },
);
