/**
 * The shared storage conformance suite on etcd. Several of its tests compact, and compaction is
 * etcd-wide, so the suite runs on a private etcd process; each test gets its own key prefix. That
 * etcd keeps its default progress-notify interval (ten minutes), so the progress-request cases see
 * only the bookmarks they asked for.
 */
import { after, before, describe } from 'node:test';
import { runStorageConformance } from '@kapi/storage/testing';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip } from './helpers/env.js';

const skip = await privateEtcdSkip();

if (skip === false) {
  let etcd: EtcdProcess | undefined;
  before(async () => {
    etcd = await EtcdProcess.start();
  });
  after(async () => {
    await etcd?.stop();
  });
  runStorageConformance('etcd', {
    newStore: () => {
      if (etcd === undefined) return Promise.reject(new Error('the private etcd did not start'));
      return Promise.resolve(newTestStore(etcd.endpoint));
    },
    // etcd's default progress-notify interval (ten minutes): every bookmark was asked for
    newProgressStore: () => {
      if (etcd === undefined) return Promise.reject(new Error('the private etcd did not start'));
      return Promise.resolve(newTestStore(etcd.endpoint));
    },
  });
} else {
  describe('storage conformance: etcd', { skip }, () => undefined);
}
