/**
 * The Python `kubernetes` client (Debian python3-kubernetes, run by /usr/bin/python3, which
 * sees Debian's packages) against mini-kube: CoreV1Api CRUD on configmaps and a
 * `watch.Watch().stream`. The scripts beside this file print what the client got; this file
 * asserts on it. The client verifies TLS against the CA in the kubeconfig.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MiniKube } from '../harness/mini-kube.js';
import { runCommand } from '../harness/process.js';
import { describeOrSkip } from '../harness/suite.js';

const PYTHON = process.env.KAPI_TEST_PYTHON ?? '/usr/bin/python3';
const scriptPath = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/** Why the Python suite cannot run here, if it cannot. */
async function pythonSkip(): Promise<string | undefined> {
  try {
    const probe = await runCommand(
      PYTHON,
      ['-c', 'import kubernetes; print(kubernetes.__version__)'],
      {
        timeoutMs: 30_000,
      },
    );
    if (probe.code === 0) return undefined;
    return `${PYTHON} cannot import kubernetes (install Debian's python3-kubernetes): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
  } catch (err) {
    return `${PYTHON} is not runnable: ${String(err)}`;
  }
}

const skip = await pythonSkip();

describeOrSkip(skip, 'python3-kubernetes', { concurrency: 2 }, () => {
  let server: MiniKube;

  before(async () => {
    server = await MiniKube.start({ storage: 'memory' });
  });
  after(async () => {
    await server.stop();
  });

  /** Runs a script with the kubeconfig and a namespace; resolves its JSON output. */
  async function python(script: string, ns: string): Promise<any> {
    const result = await runCommand(PYTHON, [scriptPath(script), server.kubeconfigPath, ns], {
      timeoutMs: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: server.dataDir, LANG: 'C.UTF-8' },
    });
    assert.equal(result.code, 0, `${script} failed:\n${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  it('CoreV1Api: create, read, list, replace, patch, delete, and the error Status', async () => {
    const out = await python('crud.py', 'py-crud');
    assert.equal(out.created.name, 'py');
    assert.equal(out.created.namespace, 'py-crud');
    assert.match(out.created.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(out.created.data, { a: '1' });
    assert.deepEqual(out.read, { data: { a: '1' }, resourceVersion: out.created.resourceVersion });
    assert.deepEqual(out.listed, ['py']);
    assert.deepEqual(out.replaced.data, { a: '1', b: '2' });
    assert.notEqual(out.replaced.resourceVersion, out.created.resourceVersion);
    assert.deepEqual(out.strategic, { a: '1', b: '2', c: '3' });
    assert.deepEqual(out.jsonPatch, { b: '2', c: '3' });
    assert.deepEqual(out.deleted, { status: 'Success', name: 'py', kind: 'configmaps' });

    assert.deepEqual(out.duplicate, {
      status: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "py" already exists',
        reason: 'AlreadyExists',
        details: { name: 'py', kind: 'configmaps' },
        code: 409,
      },
    });
    assert.equal(out.stale.status, 409);
    assert.equal(out.stale.body.reason, 'Conflict');
    assert.equal(
      out.stale.body.message,
      'Operation cannot be fulfilled on configmaps "py": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual(out.missing, {
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "py" not found',
        reason: 'NotFound',
        details: { name: 'py', kind: 'configmaps' },
        code: 404,
      },
    });
  });

  it('watch.Watch().stream (watch=True) sees ADDED, MODIFIED, DELETED in order', async () => {
    const events: any[] = await python('watch.py', 'py-watch');
    assert.deepEqual(
      events.map((e) => [e.type, e.kind, e.name, e.data]),
      [
        ['ADDED', 'ConfigMap', 'watched', { v: '1' }],
        ['MODIFIED', 'ConfigMap', 'watched', { v: '2' }],
        ['DELETED', 'ConfigMap', 'watched', { v: '2' }],
      ],
    );
    const rvs = events.map((e) => BigInt(e.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, rvs.join(' < '));
  });
});
