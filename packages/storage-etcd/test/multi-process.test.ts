/**
 * Two processes, one etcd: store A here and store B in a child process, on the same prefix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '@kapi/apimachinery';
import type { ListResult, StorageWatchEvent } from '@kapi/storage';
import { EtcdStorage } from '../src/index.js';
import { sharedEndpoints, sharedEtcdSkip, uniquePrefix } from './helpers/env.js';
import { configMap, rvOf, summary } from './helpers/events.js';
import type { PeerRequest, PeerResponse } from './fixtures/peer-process.js';

const skip = sharedEtcdSkip();

type RequestBody = PeerRequest extends infer R
  ? R extends PeerRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** The child process running store B. */
class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, (res: PeerResponse) => void>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (res: PeerResponse) => {
      this.pending.get(res.id)?.(res);
      this.pending.delete(res.id);
    });
  }

  static async start(prefix: string): Promise<Peer> {
    const script = fileURLToPath(new URL('./fixtures/peer-process.ts', import.meta.url));
    const child = fork(script, {
      execArgv: ['--import', import.meta.resolve('tsx'), '--conditions=@kapi/source'],
      env: {
        ...process.env,
        KAPI_PEER_ENDPOINTS: sharedEndpoints.join(','),
        KAPI_PEER_PREFIX: prefix,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const peer = new Peer(child);
    await new Promise<void>((resolve, reject) => {
      peer.pending.set(0, () => {
        resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`peer exited with ${code}`));
      });
    });
    return peer;
  }

  async call<T>(body: RequestBody): Promise<T> {
    const id = this.nextId++;
    const res = await new Promise<PeerResponse>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...body, id });
    });
    if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
    return res.value as T;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ op: 'close' }).catch(() => undefined);
    await exited;
  }
}

describe('EtcdStorage in two processes on one etcd', { skip, timeout: 60_000 }, () => {
  const prefix = uniquePrefix();
  let a: EtcdStorage;
  let b: Peer;
  before(async () => {
    a = new EtcdStorage({ endpoints: sharedEndpoints, prefix });
    b = await Peer.start(prefix);
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it("A's writes are read at once by B and reach B's watcher in order", async () => {
    const start = String(await a.currentRevision());
    await b.call({ op: 'watch', key: '/cm', resourceVersion: start });
    const expected: { type: string; object: KubeObject }[] = [];
    for (let i = 0; i < 6; i++) {
      const key = `/cm/ns/o${i}`;
      const created = await a.create(key, configMap(`o${i}`, { v: '0' }));
      expected.push({ type: 'ADDED', object: created });
      assert.deepEqual(await b.call({ op: 'get', key }), created, 'consistent read on B');
      const updated = await a.guaranteedUpdate(key, (o) => ({ ...o!, data: { v: '1' } }));
      expected.push({ type: 'MODIFIED', object: updated });
      assert.deepEqual(await b.call({ op: 'get', key }), updated);
      if (i % 2 === 0) {
        const deleted = await a.delete(key);
        expected.push({ type: 'DELETED', object: deleted });
        await assert.rejects(
          b.call({ op: 'get', key }),
          (err) => (err as { code?: unknown }).code === 'KeyNotFound',
        );
      }
    }
    const seen = await b.call<StorageWatchEvent[]>({
      op: 'events',
      count: expected.length,
      timeoutMs: 5000,
    });
    assert.deepEqual(summary(seen), summary(expected as StorageWatchEvent[]));
    assert.deepEqual(seen, expected);
  });

  it("A's continue tokens and resourceVersions work on B", async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5'])
      await a.create(`/pages/${name}`, configMap(name));
    const first = await a.list('/pages', { recursive: true, limit: 2 });
    await a.create('/pages/p6', configMap('p6')); // after the snapshot: not in the continued list
    const second = await b.call<ListResult>({
      op: 'list',
      key: '/pages',
      options: { recursive: true, limit: 2, continue: first.continue },
    });
    assert.deepEqual(
      second.items.map((o) => o.metadata?.name),
      ['p3', 'p4'],
    );
    assert.equal(second.resourceVersion, first.resourceVersion);
    const third = await b.call<ListResult>({
      op: 'list',
      key: '/pages',
      options: { recursive: true, limit: 2, continue: second.continue },
    });
    assert.deepEqual(
      third.items.map((o) => o.metadata?.name),
      ['p5'],
    );

    const exact = await b.call<ListResult>({
      op: 'list',
      key: '/pages',
      options: {
        recursive: true,
        resourceVersion: first.resourceVersion,
        resourceVersionMatch: 'Exact',
      },
    });
    assert.equal(exact.items.length, 5);
    const written = await a.create('/pages/p7', configMap('p7'));
    const got = await b.call<KubeObject>({
      op: 'get',
      key: '/pages/p7',
      resourceVersion: written.metadata!.resourceVersion!,
    });
    assert.equal(rvOf(got), rvOf(written));

    const fromB = await b.call<KubeObject>({
      op: 'create',
      key: '/pages/p8',
      object: configMap('p8'),
    });
    assert.deepEqual(await a.get('/pages/p8'), fromB, "and B's writes are read at once by A");
  });
});
