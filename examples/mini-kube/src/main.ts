/**
 * `npm start`: mini-kube over HTTPS with its state in a data dir — the serving certificates, the
 * admin token, the admin kubeconfig and (by default) the SQLite file. Restarting on the same data
 * dir keeps every object and the same credentials.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import { pino } from 'pino';
import { loadOrCreateServingCertificates } from '@kapi/server';
import type { ServingCertificates } from '@kapi/server';
import { MemoryStorage } from '@kapi/storage';
import type { Storage } from '@kapi/storage';
import { EtcdStorage } from '@kapi/storage-etcd';
import { SqliteStorage } from '@kapi/storage-sqlite';
import { StaticTokenAuthenticator } from './auth.js';
import { ADMIN_KUBECONFIG_FILE, loadOrCreateAdminToken, writeKubeconfig } from './credentials.js';
import { MiniKube } from './mini-kube.js';
import { parseCommandLine, USAGE, UsageError } from './options.js';
import type { CommandLine } from './options.js';

const logger = pino({ name: 'mini-kube' }, pino.destination({ dest: 2, sync: true }));

/** The address clients reach a listener on: loopback for a wildcard bind. */
function advertisedHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '::1';
  return bindAddress;
}

/** The CA and serving certificate in `<data-dir>/pki`; the latter is reissued if it does not cover `host`. */
async function servingCertificates(pkiDir: string, host: string): Promise<ServingCertificates> {
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', host])];
  const certs = await loadOrCreateServingCertificates(pkiDir, { hosts, caName: 'mini-kube-ca' });
  if (new X509Certificate(certs.serving.cert).checkIP(host) !== undefined) return certs;
  await rm(join(pkiDir, 'apiserver.crt'), { force: true });
  await rm(join(pkiDir, 'apiserver.key'), { force: true });
  return loadOrCreateServingCertificates(pkiDir, { hosts, caName: 'mini-kube-ca' });
}

function openStorage(cli: CommandLine, dataDir: string): Storage {
  switch (cli.storage) {
    case 'memory':
      return new MemoryStorage();
    case 'etcd':
      return new EtcdStorage({ endpoints: cli.etcdServers });
    case 'sqlite':
      return new SqliteStorage({ path: join(dataDir, 'kapi.db') });
  }
}

/** A path as the user would type it: relative when it is below the working directory. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

async function main(cli: CommandLine): Promise<void> {
  const dataDir = resolve(cli.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const host = advertisedHost(cli.bindAddress);
  const token = await loadOrCreateAdminToken(dataDir);
  const certs = await servingCertificates(join(dataDir, 'pki'), host);
  const miniKube = await MiniKube.create({
    storage: openStorage(cli, dataDir),
    authenticator: new StaticTokenAuthenticator(token),
    logger,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // a terminal's Ctrl-C reaches npm, scripts/start.mjs and this process alike: stop once
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    miniKube.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const { port } = await miniKube.listen({
    host: cli.bindAddress,
    port: cli.port,
    tls: certs.serving,
  });
  const url = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const kubeconfig = join(dataDir, ADMIN_KUBECONFIG_FILE);
  await writeKubeconfig(kubeconfig, { server: url, caPem: certs.ca.cert, token });
  logger.info({ url, storage: cli.storage, dataDir, kubeconfig }, 'mini-kube is ready');
  process.stdout.write(
    `mini-kube is serving at ${url}; try: kubectl --kubeconfig ${displayPath(kubeconfig)} get namespaces\n`,
  );
}

let cli: CommandLine | 'help';
try {
  cli = parseCommandLine(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`mini-kube: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (cli === 'help') {
  process.stdout.write(USAGE);
} else {
  main(cli).catch((err: unknown) => {
    logger.error({ err }, 'mini-kube failed to start');
    process.stderr.write(`mini-kube: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
