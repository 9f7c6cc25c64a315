/**
 * Reading request bodies with kube's size limit.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { requestEntityTooLarge } from '@kapi/apimachinery';

/** kube's limit on a request body: 3 MiB (k8s.io/apiserver pkg/server/config.go MaxRequestBodyBytes). */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Reads the whole body, refusing more than `limit` bytes with 413 (as kube's limitedReadBody): a
 * Content-Length above the limit is refused before reading; a body that grows past it is cut off.
 */
export function readBody(
  req: IncomingMessage,
  limit = DEFAULT_MAX_REQUEST_BODY_BYTES,
  signal?: AbortSignal,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(requestEntityTooLarge(`limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // stop reading; the response closes the connection rather than drain an oversized body
        req.pause();
        reject(requestEntityTooLarge(`limit is ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    signal?.addEventListener('abort', onAbort);
  });
}
