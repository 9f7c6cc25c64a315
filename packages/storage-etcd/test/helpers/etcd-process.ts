/**
 * A private etcd for tests that compact, kill or restart it: free loopback ports, a temp data
 * dir, and start/kill/restart/stop. Tests that only read and write use the shared CI etcd.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { access, mkdtemp, open, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Options of {@link EtcdProcess.start}. */
export interface EtcdProcessOptions {
  /** `--experimental-watch-progress-notify-interval`, e.g. `200ms`, for bookmark tests. */
  progressNotifyInterval?: string;
}

/** The etcd binary: `$KAPI_TEST_ETCD_BINARY`, else `etcd` on the PATH; undefined when there is none. */
export async function findEtcdBinary(): Promise<string | undefined> {
  const explicit = process.env.KAPI_TEST_ETCD_BINARY;
  if (explicit !== undefined && explicit !== '') return explicit;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'etcd');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(500) });
    return res.ok;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One etcd member on loopback with its own data dir. */
export class EtcdProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly binary: string,
    private readonly dataDir: string,
    private readonly clientPort: number,
    private readonly peerPort: number,
    private readonly options: EtcdProcessOptions,
  ) {}

  /** Starts a fresh etcd (new data dir, free ports) and waits until it is healthy. */
  static async start(options: EtcdProcessOptions = {}): Promise<EtcdProcess> {
    const binary = await findEtcdBinary();
    if (binary === undefined) throw new Error('no etcd binary on the PATH');
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kapi-etcd-'));
      const etcd = new EtcdProcess(binary, dataDir, await freePort(), await freePort(), options);
      try {
        await etcd.launch();
        return etcd;
      } catch (err) {
        lastError = err;
        await etcd.stop();
      }
    }
    throw lastError;
  }

  /** The client URL. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  /** The OS process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      '--name',
      'kapi-test',
      '--data-dir',
      this.dataDir,
      '--listen-client-urls',
      this.endpoint,
      '--advertise-client-urls',
      this.endpoint,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `kapi-test=${peer}`,
    ];
    if (this.options.progressNotifyInterval !== undefined) {
      args.push(
        '--experimental-watch-progress-notify-interval',
        this.options.progressNotifyInterval,
      );
    }
    const log = await open(`${this.dataDir}.log`, 'a');
    const child = spawn(this.binary, args, { stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    this.child = child;
    let gone = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        gone = true;
        resolve();
      });
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`etcd exited at start (see ${this.dataDir}.log)`);
      if (await healthy(this.endpoint)) return;
      await sleep(100);
    }
    throw new Error(`etcd did not become healthy (see ${this.dataDir}.log)`);
  }

  /** Kills the process (SIGKILL by default) and waits for it to exit; the data dir stays. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT'); // a frozen etcd would not act on SIGTERM
      child.kill(signal);
    }
    await this.exited;
  }

  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Starts etcd again on the same data dir and ports. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Stops etcd and removes its data. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await rm(this.dataDir, { recursive: true, force: true });
    await rm(`${this.dataDir}.log`, { force: true });
  }
}
