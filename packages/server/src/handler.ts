/**
 * The shapes every piece of the server shares: a handler, a filter around it, and the context a
 * request carries through the chain.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from './request-info.js';

/** Who made a request, as authentication establishes it (k8s.io/apiserver user.Info). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What a request carries through the filter chain. Filters fill it in as the request goes in. */
export interface RequestContext {
  /** Aborted when the client goes away or the request's deadline passes. */
  signal: AbortSignal;
  /** Aborted when the server begins shutting down: long-running requests (watches) end on it. */
  readonly shutdown?: AbortSignal;
  /** When the request arrived (`performance.now()` milliseconds). */
  readonly receivedAt: number;
  /** Set by the request-info filter. */
  requestInfo?: RequestInfo;
  /** Set by authentication (or impersonation, which replaces it). */
  user?: UserInfo;
  /** The user before impersonation, when a request impersonates someone. */
  impersonatedBy?: UserInfo;
  /** Warnings for the client, sent as `Warning: 299 - "…"` headers. */
  readonly warnings: string[];
  /** The deadline for the request in `performance.now()` milliseconds, when one is set. */
  deadline?: number;
}

/**
 * Serves one request. It resolves when the response is complete; a handler that throws leaves
 * the response to the error-handling filter, which turns StatusErrors into Status bodies.
 */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
) => Promise<void>;

/** Wraps a handler: acts before and after `next`. Filters compose outermost first. */
export type Filter = (next: Handler) => Handler;

/** Applies filters so that the first one listed is the outermost. */
export function compose(filters: readonly Filter[], handler: Handler): Handler {
  return filters.reduceRight<Handler>((next, filter) => filter(next), handler);
}
