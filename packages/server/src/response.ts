/**
 * Writing responses: objects as JSON, errors as Status bodies.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { toStatus } from '@kapi/apimachinery';
import type { Status } from '@kapi/apimachinery';

/** Writes `body` as JSON with the given status code. */
export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': bytes.length,
  });
  res.end(bytes);
}

/** Writes a Status (or any thrown value, as a Status) with its own code; 429 and 503 get Retry-After. */
export function writeStatus(res: ServerResponse, errOrStatus: unknown): void {
  const status: Status = isStatus(errOrStatus) ? errOrStatus : toStatus(errOrStatus);
  const code = status.code ?? (status.status === 'Success' ? 200 : 500);
  const retryAfter = status.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0 && (code === 429 || code >= 500)) {
    res.setHeader('Retry-After', String(retryAfter));
  }
  writeJson(res, code, status);
}

function isStatus(value: unknown): value is Status {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'Status' &&
    !(value instanceof Error)
  );
}
