/**
 * mini-kube as a child process, exactly as a user runs it: its own data dir, port 0, the
 * admin kubeconfig it writes, graceful shutdown by SIGTERM, and restart on the same data dir.
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The mini-kube entry point the tests run. */
export const MINI_KUBE_MAIN = join(REPO_ROOT, 'examples/mini-kube/src/main.ts');

/** The storage backends mini-kube offers that need nothing outside the process. */
export type Storage = 'memory' | 'sqlite';

/** The parts of the admin kubeconfig a client needs. */
export interface AdminCredentials {
  /** The API server URL, e.g. `https://127.0.0.1:41234`. */
  server: string;
  /** The CA bundle in PEM. */
  caPem: string;
  /** The admin bearer token. */
  token: string;
}

/** How a stopped server ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when it exited by itself (after SIGTERM) rather than by a signal or SIGKILL. */
  graceful: boolean;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_LIMIT = 256 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The test runner's environment minus its own marker, which would confuse a child node. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** One mini-kube child process and its data dir. */
export class MiniKube {
  /** The data dir (holds admin.kubeconfig, the CA, the store). */
  readonly dataDir: string;
  /** `<dataDir>/admin.kubeconfig`. */
  readonly kubeconfigPath: string;
  /** The CA written out as a file, for clients that take a path (curl). */
  readonly caPath: string;
  readonly storage: Storage;
  private child: ChildProcess | undefined;
  private exited: Promise<ExitStatus> | undefined;
  private output = '';
  private creds: AdminCredentials | undefined;

  private constructor(dataDir: string, storage: Storage) {
    this.dataDir = dataDir;
    this.storage = storage;
    this.kubeconfigPath = join(dataDir, 'admin.kubeconfig');
    this.caPath = join(dataDir, 'test-ca.crt');
  }

  /** Starts mini-kube on a free port with a fresh temporary data dir, and waits until it is ready. */
  static async start(options: { storage: Storage }): Promise<MiniKube> {
    const dataDir = await mkdtemp(join(tmpdir(), 'kapi-mini-kube-'));
    const server = new MiniKube(dataDir, options.storage);
    try {
      await server.launch(0);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** The admin credentials read from the kubeconfig of the current run. */
  get credentials(): AdminCredentials {
    if (this.creds === undefined) throw new Error('mini-kube is not running');
    return this.creds;
  }

  /** The API server URL. */
  get url(): string {
    return this.credentials.server;
  }

  /** Everything the server printed so far (stdout and stderr, interleaved; bounded). */
  get logs(): string {
    return this.output;
  }

  /** Stops the server with SIGTERM and starts it again on the same data dir and port. */
  async restart(): Promise<ExitStatus> {
    const port = Number(new URL(this.url).port);
    const status = await this.shutdown();
    await this.launch(port, true);
    return status;
  }

  /** Stops the server gracefully (SIGTERM; SIGKILL after 15 s) and removes its data dir. */
  async stop(): Promise<ExitStatus> {
    const status = await this.shutdown();
    await rm(this.dataDir, { recursive: true, force: true });
    return status;
  }

  /** Stops the process, keeping the data dir. */
  async shutdown(): Promise<ExitStatus> {
    const child = this.child;
    const exited = this.exited;
    this.child = undefined;
    this.exited = undefined;
    if (child === undefined || exited === undefined) {
      return { code: null, signal: null, graceful: false };
    }
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    let killed = false;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    const status = await exited;
    clearTimeout(timer);
    return { ...status, graceful: status.graceful && !killed };
  }

  private async launch(port: number, restarting = false): Promise<void> {
    const args = [
      '--import',
      'tsx',
      '--conditions=@kapi/source',
      MINI_KUBE_MAIN,
      '--port',
      String(port),
      '--data-dir',
      this.dataDir,
      '--storage',
      this.storage,
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: serverEnv(),
    });
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      if (this.output.length > LOG_LIMIT) this.output = this.output.slice(-LOG_LIMIT);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        resolve({ code, signal, graceful: signal === null });
      });
    });
    await this.waitReady(child, restarting);
  }

  private async waitReady(child: ChildProcess, restarting: boolean): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const failIfGone = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `mini-kube exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${this.output}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(`mini-kube was not ready after ${START_TIMEOUT_MS} ms:\n${this.output}`);
      }
    };
    // On a restart the old kubeconfig is still there; the port is fixed, so readiness decides.
    for (;;) {
      failIfGone();
      const creds = await this.readKubeconfig();
      if (creds !== undefined) {
        this.creds = creds;
        break;
      }
      await sleep(50);
    }
    if (!restarting) await writeFile(this.caPath, this.credentials.caPem);
    for (;;) {
      failIfGone();
      if ((await this.readyzStatus()) === 200) break;
      await sleep(50);
    }
    // The server rewrites the kubeconfig on every start; read what this run wrote.
    const creds = await this.readKubeconfig();
    if (creds !== undefined) this.creds = creds;
  }

  private async readKubeconfig(): Promise<AdminCredentials | undefined> {
    let text: string;
    try {
      text = await readFile(this.kubeconfigPath, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return parseAdminKubeconfig(text);
    } catch {
      return undefined; // being written
    }
  }

  private readyzStatus(): Promise<number> {
    const { server, caPem, token } = this.credentials;
    return new Promise((resolve) => {
      const req = request(
        `${server}/readyz`,
        { ca: caPem, headers: { Authorization: `Bearer ${token}` }, timeout: 2_000 },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => {
        resolve(0);
      });
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }
}

/** Reads server, CA and token of the current context from kubeconfig text; throws when incomplete. */
export function parseAdminKubeconfig(text: string): AdminCredentials {
  const doc = parseYaml(text) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: {
      name: string;
      cluster: { server: string; 'certificate-authority-data'?: string };
    }[];
    users?: { name: string; user: { token?: string } }[];
  };
  const context = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  if (context === undefined) throw new Error('kubeconfig has no current context');
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context.user)?.user;
  const caData = cluster?.['certificate-authority-data'];
  if (cluster === undefined || caData === undefined || user?.token === undefined) {
    throw new Error('kubeconfig lacks server, CA data or token');
  }
  return {
    server: cluster.server,
    caPem: Buffer.from(caData, 'base64').toString('utf8'),
    token: user.token,
  };
}
