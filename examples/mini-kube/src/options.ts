/**
 * mini-kube's command line (`npm start -- [flags]`), read with node's util.parseArgs.
 * @module
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

/** The storage backends mini-kube can run on. */
export const STORAGE_BACKENDS = ['sqlite', 'memory', 'etcd'] as const;

/** One of {@link STORAGE_BACKENDS}. */
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

/** The settings the command line gives. */
export interface CommandLine {
  port: number;
  bindAddress: string;
  dataDir: string;
  storage: StorageBackend;
  etcdServers: string[];
}

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What `--help` prints. */
export const USAGE = `Usage: npm start -- [flags]

mini-kube: a Kubernetes API server for namespaces, configmaps, secrets, service accounts and
events, built with Kapi. It writes <data-dir>/admin.kubeconfig for kubectl.

Flags:
  --port <port>              HTTPS port; 0 picks a free one (default 6443)
  --bind-address <ip>        address to listen on (default 127.0.0.1)
  --data-dir <dir>           certificates, admin credentials and the SQLite file (default .kapi)
  --storage <backend>        sqlite (default, <data-dir>/kapi.db), memory (lost on exit) or etcd
  --etcd-servers <urls>      comma-separated etcd client URLs, with --storage etcd
                             (default http://127.0.0.1:2379)
  -h, --help                 show this help
`;

/**
 * Reads the flags; `'help'` when help was asked for. Throws {@link UsageError} for anything it
 * cannot use, with a message naming the flag.
 */
export function parseCommandLine(args: readonly string[]): CommandLine | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'bind-address': { type: 'string' },
        'data-dir': { type: 'string' },
        storage: { type: 'string' },
        'etcd-servers': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) return 'help';
  const portText = values.port ?? '6443';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(
      `--port must be a number from 0 to 65535, not ${JSON.stringify(portText)}`,
    );
  }
  const bindAddress = values['bind-address'] ?? '127.0.0.1';
  if (isIP(bindAddress) === 0) {
    throw new UsageError(
      `--bind-address must be an IP address, not ${JSON.stringify(bindAddress)}`,
    );
  }
  const dataDir = values['data-dir'] ?? '.kapi';
  if (dataDir === '') throw new UsageError('--data-dir must not be empty');
  const storage = values.storage ?? 'sqlite';
  if (!(STORAGE_BACKENDS as readonly string[]).includes(storage)) {
    throw new UsageError(
      `--storage must be one of ${STORAGE_BACKENDS.join(', ')}, not ${JSON.stringify(storage)}`,
    );
  }
  if (values['etcd-servers'] !== undefined && storage !== 'etcd') {
    throw new UsageError('--etcd-servers needs --storage etcd');
  }
  const etcdServers = (values['etcd-servers'] ?? 'http://127.0.0.1:2379')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const server of etcdServers) {
    if (!/^https?:\/\/[^/]+\/?$/.test(server)) {
      throw new UsageError(
        `--etcd-servers takes URLs such as http://127.0.0.1:2379, not ${JSON.stringify(server)}`,
      );
    }
  }
  if (etcdServers.length === 0) throw new UsageError('--etcd-servers must name at least one URL');
  return {
    port: Number(portText),
    bindAddress,
    dataDir,
    storage: storage as StorageBackend,
    etcdServers,
  };
}
