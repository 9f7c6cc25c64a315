/**
 * Raw HTTP calls through the real curl binary, trusting mini-kube's CA, for tests that assert
 * exact status codes, headers and bodies.
 * @module
 */
import type { MiniKube } from './mini-kube.js';
import { runCommand } from './process.js';

/** One HTTP response as curl received it. */
export interface CurlResponse {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Map<string, string>;
  body: string;
}

/** What to send. */
export interface CurlRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The bearer token: the admin's by default, none with null. */
  token?: string | null;
  /** Extra curl flags (e.g. `--max-time`). */
  curlArgs?: string[];
}

/** Calls `path` on `server` with curl and parses the status line, headers and body. */
export async function curl(
  server: MiniKube,
  path: string,
  request: CurlRequest = {},
): Promise<CurlResponse> {
  const token = request.token === undefined ? server.credentials.token : request.token;
  const args = ['-sS', '-i', '--cacert', server.caPath, '-X', request.method ?? 'GET'];
  if (token !== null) args.push('-H', `Authorization: Bearer ${token}`);
  for (const [name, value] of Object.entries(request.headers ?? {}))
    args.push('-H', `${name}: ${value}`);
  if (request.body !== undefined) args.push('--data-binary', '@-');
  args.push(...(request.curlArgs ?? []), `${server.url}${path}`);
  const result = await runCommand('curl', args, {
    ...(request.body === undefined ? {} : { stdin: request.body }),
    timeoutMs: 30_000,
  });
  if (result.code !== 0 && result.code !== 28) {
    throw new Error(`curl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return parseResponse(result.stdout);
}

/** Splits `curl -i` output; informational (1xx) header blocks are skipped. */
function parseResponse(raw: string): CurlResponse {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`no HTTP header block in curl output:\n${raw}`);
    const head = rest.slice(0, end).split('\r\n');
    rest = rest.slice(end + 4);
    const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head[0] ?? '')?.[1]);
    if (!Number.isInteger(status)) throw new Error(`bad status line ${head[0] ?? ''}`);
    if (status >= 100 && status < 200) continue;
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status, headers, body: rest };
  }
}
