import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Filter, RequestContext, UserInfo } from '../handler.js';

/** How much of a request an audit event records. Only metadata is recorded today: no bodies. */
export type AuditLevel = 'None' | 'Metadata';

/** An audit.k8s.io/v1 Event at the Metadata level. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  impersonatedUser?: {
    username: string;
    uid?: string;
    groups: string[];
    extra?: Record<string, string[]>;
  };
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    apiVersion?: string;
    subresource?: string;
  };
  responseStatus: { metadata: Record<string, never>; code: number };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

/** Options of {@link withAudit}. */
export interface AuditOptions {
  /** Receives each event; must not throw (write to a log, a file, a webhook queue). */
  sink: (event: AuditEvent) => void;
  /** Decides the level per request; default: Metadata for everything. */
  policy?: (ctx: RequestContext) => AuditLevel;
}

function userOf(u: UserInfo): AuditEvent['user'] {
  return {
    username: u.name,
    ...(u.uid !== undefined ? { uid: u.uid } : {}),
    groups: u.groups,
    ...(u.extra !== undefined ? { extra: u.extra } : {}),
  };
}

function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Records one audit.k8s.io/v1 Event per request when its response completes (as kube's WithAudit
 * at the Metadata level), and sends the `Audit-Id` header. Bodies are never recorded.
 */
export function withAudit(options: AuditOptions): Filter {
  return (next) => (req, res, ctx) => {
    const level = options.policy?.(ctx) ?? 'Metadata';
    if (level === 'None') return next(req, res, ctx);
    const auditID = randomUUID();
    const received = Date.now();
    res.setHeader('Audit-Id', auditID);
    res.once('close', () => {
      const info = ctx.requestInfo;
      const subject = ctx.impersonatedBy ?? ctx.user;
      const event: AuditEvent = {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID,
        stage: 'ResponseComplete',
        requestURI: req.url ?? '/',
        verb: info?.verb ?? (req.method ?? 'GET').toLowerCase(),
        user: subject ? userOf(subject) : { username: '', groups: [] },
        sourceIPs: req.socket.remoteAddress !== undefined ? [req.socket.remoteAddress] : [],
        responseStatus: { metadata: {}, code: res.statusCode },
        requestReceivedTimestamp: microTime(received),
        stageTimestamp: microTime(Date.now()),
      };
      if (ctx.impersonatedBy !== undefined && ctx.user !== undefined)
        event.impersonatedUser = userOf(ctx.user);
      const agent = req.headers['user-agent'];
      if (agent !== undefined) event.userAgent = agent;
      if (info?.isResourceRequest === true) {
        event.objectRef = {
          resource: info.resource,
          ...(info.namespace !== '' ? { namespace: info.namespace } : {}),
          ...(info.name !== '' ? { name: info.name } : {}),
          apiGroup: info.apiGroup,
          apiVersion: info.apiVersion,
          ...(info.subresource !== '' ? { subresource: info.subresource } : {}),
        };
      }
      options.sink(event);
    });
    return next(req, res, ctx);
  };
}

/** An audit sink writing one JSON event per line (kube's `--audit-log-format=json`). */
export function jsonLinesAuditSink(stream: Writable): (event: AuditEvent) => void {
  return (event) => {
    stream.write(`${JSON.stringify(event)}\n`);
  };
}
