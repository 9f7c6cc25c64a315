/**
 * etcd killed mid-traffic: SIGKILL while writers and watchers run, restart on the same data dir.
 * Every acknowledged write must survive and every watcher must see the history exactly once, in
 * order, resuming across the restart by resourceVersion.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStorageError } from '@kapi/storage';
import type { StorageWatchEvent, Watcher } from '@kapi/storage';
import { newEtcdClient } from '../src/index.js';
import type { EtcdStorage } from '../src/index.js';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip, uniquePrefix } from './helpers/env.js';
import { configMap, rvOf } from './helpers/events.js';

const skip = await privateEtcdSkip();

const writers = 8;
const watchers = 4;
const keysPerWriter = 15;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `op` until it succeeds, retrying only while etcd is unreachable (bounded). */
async function untilReachable<T>(op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!isStorageError(err, 'Unreachable') || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** `TYPE key@rv` of an event. */
function line(e: StorageWatchEvent): string {
  return e.type === 'ERROR'
    ? `ERROR ${e.object.message ?? ''}`
    : `${e.type} ${e.object.metadata?.name ?? ''}@${e.object.metadata?.resourceVersion ?? ''}`;
}

/** Collects a watch in the background. */
function collect(watcher: Watcher): { events: StorageWatchEvent[]; done: Promise<void> } {
  const events: StorageWatchEvent[] = [];
  const done = (async () => {
    for await (const event of watcher) events.push(event);
  })();
  return { events, done };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('EtcdStorage when etcd is killed and restarted', { skip, timeout: 90_000 }, () => {
  let etcd: EtcdProcess;
  before(async () => {
    etcd = await EtcdProcess.start({ progressNotifyInterval: '200ms' });
  });
  after(async () => {
    await etcd.stop();
  });

  it('keeps every acknowledged write and every watcher sees each event exactly once, in order', async () => {
    const prefix = uniquePrefix();
    const writeStore = newTestStore(etcd.endpoint, { prefix, requestTimeoutMs: 1000 });
    const watchStore = newTestStore(etcd.endpoint, { prefix, requestTimeoutMs: 1000 });
    const stores: EtcdStorage[] = [writeStore, watchStore];
    try {
      const start = String(await writeStore.currentRevision());
      const watches = Array.from({ length: watchers }, () =>
        collect(
          watchStore.watch('/f', { recursive: true, resourceVersion: start, allowBookmarks: true }),
        ),
      );

      const acknowledged: { key: string; rv: number }[] = [];
      const work = Array.from({ length: writers }, async (_, w) => {
        for (let k = 0; k < keysPerWriter; k++) {
          const key = `/f/w${w}/k${k}`;
          const created = await untilReachable(async () => {
            try {
              return await writeStore.create(key, configMap(`w${w}-k${k}`, { n: '0' }));
            } catch (err) {
              // an earlier attempt that timed out may have committed: not acknowledged
              if (isStorageError(err, 'KeyExists')) return undefined;
              throw err;
            }
          });
          if (created !== undefined) acknowledged.push({ key, rv: rvOf(created) });
          const updated = await untilReachable(() =>
            writeStore.guaranteedUpdate(key, (o) => ({ ...o!, data: { n: String(Date.now()) } })),
          );
          acknowledged.push({ key, rv: rvOf(updated) });
          await sleep(5);
        }
      });

      await until(
        () => acknowledged.length >= writers * keysPerWriter * 0.4,
        20_000,
        'writes before the kill',
      );
      await etcd.kill('SIGKILL');
      const ackedWhenKilled = acknowledged.length;
      await sleep(300);
      await etcd.restart();
      await Promise.all(work);
      assert.ok(acknowledged.length > ackedWhenKilled, 'writes went on after the restart');

      // every acknowledged write is there
      const lastRevision = Math.max(...acknowledged.map((a) => a.rv));
      const latest = new Map<string, number>();
      for (const a of acknowledged) latest.set(a.key, Math.max(latest.get(a.key) ?? 0, a.rv));
      for (const [key, rv] of latest) {
        const obj = await writeStore.get(key);
        assert.equal(rvOf(obj), rv, `${key} is at its last acknowledged revision`);
      }

      // the history as etcd has it, read fresh after the restart
      const history = collect(watchStore.watch('/f', { recursive: true, resourceVersion: start }));
      const lastRv = (events: StorageWatchEvent[]) =>
        events.filter((e) => e.type !== 'BOOKMARK').at(-1)?.object.metadata?.resourceVersion;
      await until(
        () => lastRv(history.events) === String(lastRevision),
        10_000,
        'the full history',
      );
      const expected = history.events.map(line);
      for (const a of acknowledged) {
        assert.ok(
          history.events.some((e) => e.object.metadata?.resourceVersion === String(a.rv)),
          `acknowledged write ${a.key}@${a.rv} is in the history`,
        );
      }

      for (const [i, watch] of watches.entries()) {
        await until(
          () => lastRv(watch.events) === String(lastRevision),
          10_000,
          `watcher ${i} to catch up`,
        );
        const changes = watch.events.filter((e) => e.type !== 'BOOKMARK');
        assert.deepEqual(
          changes.map(line),
          expected,
          `watcher ${i} saw the history exactly once, in order`,
        );
        let previous = 0;
        for (const e of watch.events) {
          const rv = Number(e.object.metadata?.resourceVersion);
          if (e.type === 'BOOKMARK')
            assert.ok(rv >= previous, `watcher ${i}: bookmarks never go back`);
          else assert.ok(rv > previous, `watcher ${i}: revisions strictly increase`);
          previous = rv;
        }
      }
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('a watch broken while catching up resumes after the last event it delivered', async () => {
    // etcd sends a catching-up watch 1000 revisions per response, each with the newest revision in
    // its header: resuming from the header (as the etcd3 client's watcher does) would skip events
    const prefix = uniquePrefix();
    const store = newTestStore(etcd.endpoint, { prefix, requestTimeoutMs: 1000 });
    const raw = newEtcdClient({ endpoints: etcd.endpoint });
    try {
      const start = await store.currentRevision();
      const total = 2500;
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            const i = next++;
            await raw
              .put(`${prefix}/c/k${i % 20}`)
              .value(JSON.stringify(configMap(`k${i % 20}`, { i: String(i) })));
          }
        }),
      );
      const watcher = store.watch('/c', { recursive: true, resourceVersion: String(start) });
      const seen: number[] = [];
      const iterator = watcher[Symbol.asyncIterator]();
      const first = await iterator.next();
      assert.equal(first.done, false);
      seen.push(rvOf(first.value.object as never));
      await etcd.restart();
      while (seen.length < total) {
        const step = await Promise.race([
          iterator.next(),
          sleep(10_000).then(() => assert.fail(`stalled after ${seen.length} of ${total} events`)),
        ]);
        if (step.done === true) assert.fail(`the watch ended after ${seen.length} events`);
        seen.push(rvOf(step.value.object as never));
      }
      assert.deepEqual(
        seen,
        Array.from({ length: total }, (_, i) => start + 1 + i),
        'every revision once, in order',
      );
      watcher.stop();
    } finally {
      raw.close();
      await store.close();
    }
  });
});
