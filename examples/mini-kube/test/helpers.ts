/**
 * mini-kube in-process for tests: memory storage, the admin-token authenticator, plain HTTP on a
 * free loopback port (the smoke test covers HTTPS), and a small JSON client.
 */
import { MemoryStorage } from '@kapi/storage';
import type { Storage } from '@kapi/storage';
import { StaticTokenAuthenticator } from '../src/auth.js';
import { MiniKube } from '../src/mini-kube.js';

/** The admin token the in-process servers accept. */
export const TEST_TOKEN = 'test-admin-token';

/** A parsed response body: tests read deep into it, so it is left untyped on purpose. */
export type Json = any;

/** One response: status, headers and the body parsed as JSON (or the text). */
export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/** A running in-process mini-kube and a client for it. */
export interface TestMiniKube {
  miniKube: MiniKube;
  storage: Storage;
  url: string;
  /** Calls the server as the admin (JSON body unless `body` is bytes). */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  close(): Promise<void>;
}

/** Starts mini-kube on `storage` (default a new memory store). */
export async function startMiniKube(storage: Storage = new MemoryStorage()): Promise<TestMiniKube> {
  const miniKube = await MiniKube.create({
    storage,
    authenticator: new StaticTokenAuthenticator(TEST_TOKEN),
    namespaceRetryDelayMs: 10,
    shutdownTimeoutMs: 1000,
  });
  const { url } = await miniKube.listen({ port: 0 });
  return {
    miniKube,
    storage,
    url,
    call: (method, path, body, headers = {}) =>
      request(url, method, path, body, { authorization: `Bearer ${TEST_TOKEN}`, ...headers }),
    close: () => miniKube.close(),
  };
}

/** A request with the given headers only (no credentials unless given). */
export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    const bytes = body instanceof Uint8Array;
    init.body = bytes ? body : typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= bytes
      ? 'application/vnd.kubernetes.protobuf'
      : 'application/json';
  }
  const r = await fetch(url + path, init);
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, headers: r.headers, body: parsed };
}

/** Polls `probe` until it resolves true, for at most `timeoutMs`. */
export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
