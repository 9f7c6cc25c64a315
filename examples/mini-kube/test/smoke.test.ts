/**
 * `npm start` for real: scripts/start.mjs as a child process on port 0 with a temporary data dir,
 * driven by the real kubectl 1.32 through the admin kubeconfig it writes.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function findKubectl(): string | undefined {
  const dirs = ['/usr/lib/google-cloud-sdk/bin', ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.map((d) => join(d, 'kubectl.1.32')).find((p) => existsSync(p));
}

const KUBECTL = findKubectl();

/** A started server: its process and the line it printed. */
interface Started {
  child: ChildProcess;
  line: string;
  exited: Promise<number | null>;
}

function start(dataDir: string): Promise<Started> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--port', '0', '--data-dir', dataDir],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line after 60 s; stderr:\n${stderr}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('mini-kube is serving at'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve({ child, line, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mini-kube exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  return started.exited;
}

describe(
  'npm start, driven by kubectl 1.32',
  {
    skip:
      KUBECTL === undefined
        ? 'kubectl.1.32 is not installed (looked in /usr/lib/google-cloud-sdk/bin and on PATH)'
        : false,
  },
  () => {
    let dir: string;
    let dataDir: string;
    let server: Started | undefined;
    const kubectl = async (...args: string[]) => {
      const kubeconfig = join(dataDir, 'admin.kubeconfig');
      const { stdout } = await promisify(execFile)(
        KUBECTL!,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { timeout: 30_000 },
      );
      return stdout;
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mini-kube-smoke-'));
      dataDir = join(dir, 'data');
    });
    after(async () => {
      if (server !== undefined) await stop(server);
      await rm(dir, { recursive: true, force: true });
    });

    it('prints one line with the kubectl command, and kubectl get namespaces works', async () => {
      server = await start(dataDir);
      const kubeconfig = join(dataDir, 'admin.kubeconfig');
      assert.match(
        server.line,
        new RegExp(
          `^mini-kube is serving at https://127\\.0\\.0\\.1:\\d+; try: kubectl --kubeconfig ${kubeconfig} get namespaces$`,
        ),
      );
      const config = parse(await readFile(kubeconfig, 'utf8'));
      const port = /:(\d+);/.exec(server.line)![1];
      assert.equal(config.clusters[0].cluster.server, `https://127.0.0.1:${port}`);
      assert.notEqual(port, '0');
      assert.equal((await stat(kubeconfig)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dataDir, 'admin.token'))).mode & 0o777, 0o600);

      const out = await kubectl('get', 'namespaces');
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 2));
      assert.deepEqual(rows, [
        ['NAME', 'STATUS'],
        ['default', 'Active'],
        ['kube-public', 'Active'],
        ['kube-system', 'Active'],
      ]);
      assert.equal(
        (await kubectl('create', 'configmap', 'kept', '--from-literal=a=b')).trim(),
        'configmap/kept created',
      );
    });

    it('stops on SIGTERM and comes back on the same data dir with its objects and credentials', async () => {
      assert.ok(server !== undefined, 'the first test started the server');
      const before = await readFile(join(dataDir, 'admin.token'), 'utf8');
      assert.equal(await stop(server), 0);
      server = await start(dataDir);
      assert.equal(await readFile(join(dataDir, 'admin.token'), 'utf8'), before);
      assert.equal(
        (await kubectl('get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}')).trim(),
        'b',
      );
    });
  },
);
