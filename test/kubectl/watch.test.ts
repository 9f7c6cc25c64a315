/**
 * kubectl 1.32 against mini-kube: `get -w` and `--watch-only` (Table watch events in order,
 * selector enter/leave), `--chunk-size` pagination, and `wait --for=delete|jsonpath`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findKubectl, FULL_SUITE_VERSION } from '../harness/kubectl.js';
import { describeOrSkip, lines, startKubectlSuite, table } from '../harness/suite.js';
import type { KubectlSuite } from '../harness/suite.js';
import type { StreamingCommand } from '../harness/process.js';

const binary = await findKubectl(FULL_SUITE_VERSION);

/** kubectl -v=6 logs each response as `GET <url> 200 OK in N milliseconds` (client-go round_trippers). */
const WATCH_OPENED = /GET \S+[?&]watch=true\S* 200 OK in \d+ milliseconds/;

/** The (EVENT, NAME) pairs of a `get -w --output-watch-events` table, header dropped. */
function events(output: readonly string[]): string[] {
  return output
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells[0] !== 'EVENT' && cells[0] !== '')
    .map((cells) => `${cells[0]} ${cells[1]}`);
}

describeOrSkip(
  binary.skip,
  `kubectl ${FULL_SUITE_VERSION}: watch, pagination, wait`,
  { concurrency: 4 },
  () => {
    let suite: KubectlSuite;
    const k = (args: string[], stdin?: string): Promise<string> =>
      stdin === undefined ? suite.kubectl.ok(args) : suite.kubectl.ok(args, { stdin });

    before(async () => {
      suite = await startKubectlSuite(binary.path!, 'memory');
    });
    after(async () => {
      await suite.close();
    });

    /** Runs `body` with a watch started by `args`, always stopping the watch. */
    async function withWatch(
      args: string[],
      body: (w: StreamingCommand) => Promise<void>,
    ): Promise<void> {
      const watch = suite.kubectl.stream(args);
      try {
        await body(watch);
      } finally {
        await watch.stop();
      }
    }

    it('get -w prints the list, then ADDED, MODIFIED, DELETED in order', async () => {
      const ns = await suite.namespace('watch-all');
      await k(['create', 'configmap', 'before', '-n', ns, '--from-literal=a=1']);
      await withWatch(['get', 'configmaps', '-n', ns, '-w', '--output-watch-events'], async (w) => {
        await w.waitFor((out) => events(out).includes('ADDED before'), 'the listed object');
        assert.match(w.lines[0]!, /^EVENT\s+NAME\s+DATA\s+AGE$/);
        await k(['create', 'configmap', 'live', '-n', ns, '--from-literal=a=1']);
        await k(['patch', 'cm', 'live', '-n', ns, '--type', 'merge', '-p', '{"data":{"b":"2"}}']);
        await k(['delete', 'cm', 'live', '-n', ns]);
        await w.waitFor((out) => events(out).includes('DELETED live'), 'the deletion');
        assert.deepEqual(events(w.lines), [
          'ADDED before',
          'ADDED live',
          'MODIFIED live',
          'DELETED live',
        ]);
        // the DATA column follows the object: 1 key, then 2
        const rows = table(w.lines.join('\n')).filter((r) => r[1] === 'live');
        assert.deepEqual(
          rows.map((r) => r[2]),
          ['1', '2', '2'],
        );
      });
    });

    it('--watch-only skips existing objects', async () => {
      const ns = await suite.namespace('watch-only');
      await k(['create', 'configmap', 'old', '-n', ns]);
      await withWatch(
        ['get', 'cm', '-n', ns, '--watch-only', '--output-watch-events', '-v=6'],
        async (w) => {
          await w.waitForStderr(WATCH_OPENED, 'the watch request');
          await k(['create', 'configmap', 'new', '-n', ns]);
          await k(['label', 'cm', 'new', '-n', ns, 'x=y']);
          await k(['delete', 'cm', 'new', '-n', ns]);
          await w.waitFor((out) => events(out).includes('DELETED new'), 'the deletion');
          assert.deepEqual(events(w.lines), ['ADDED new', 'MODIFIED new', 'DELETED new']);
        },
      );
    });

    it('a label-selected watch turns entering into ADDED and leaving into DELETED', async () => {
      const ns = await suite.namespace('watch-selector');
      await withWatch(
        ['get', 'cm', '-n', ns, '-l', 'app=x', '--watch-only', '--output-watch-events', '-v=6'],
        async (w) => {
          await w.waitForStderr(WATCH_OPENED, 'the watch request');
          await k(['create', 'configmap', 'in', '-n', ns]);
          await k(['label', 'cm', 'in', '-n', ns, 'app=x']);
          await k(['create', 'configmap', 'never', '-n', ns]);
          await k(['label', 'cm', 'in', '-n', ns, 'app=y', '--overwrite']);
          await k(['label', 'cm', 'never', '-n', ns, 'app=z']);
          await k(
            ['create', '-f', '-'],
            `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: last, namespace: ${ns}, labels: {app: x}}\n`,
          );
          await w.waitFor((out) => events(out).includes('ADDED last'), 'the last object');
          assert.deepEqual(events(w.lines), ['ADDED in', 'DELETED in', 'ADDED last']);
        },
      );
    });

    it('--chunk-size pages through the list, every item exactly once', async () => {
      const ns = await suite.namespace('chunks');
      const names = Array.from({ length: 25 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
      await k(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: names.map((name) => ({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: ns },
          })),
        }),
      );
      const result = await suite.kubectl.run([
        'get',
        'cm',
        '-n',
        ns,
        '--chunk-size=7',
        '-o',
        'name',
        '-v=6',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        lines(result.stdout),
        names.map((n) => `configmap/${n}`),
      );
      const pages = result.stderr
        .split('\n')
        .filter((l) => /GET \S+\/configmaps\?\S*limit=7\S* 200 OK/.test(l));
      assert.equal(pages.length, 4, result.stderr);
      assert.equal(pages.filter((l) => /[?&]continue=/.test(l)).length, 3, result.stderr);

      const tableOut = table(await k(['get', 'cm', '-n', ns, '--chunk-size=10']));
      assert.deepEqual(tableOut[0], ['NAME', 'DATA', 'AGE']);
      assert.deepEqual(
        tableOut.slice(1).map((r) => r[0]),
        names,
      );
    });

    describe('wait', () => {
      it('--for=delete returns once the object is gone', async () => {
        const ns = await suite.namespace('wait-delete');
        await k(['create', 'configmap', 'doomed', '-n', ns]);
        await withWatch(
          ['wait', '--for=delete', 'configmap/doomed', '-n', ns, '--timeout=30s', '-v=6'],
          async (w) => {
            await w.waitForStderr(WATCH_OPENED, 'the watch request');
            await k(['delete', 'cm', 'doomed', '-n', ns, '--wait=false']);
            const done = await w.wait();
            assert.equal(done.code, 0, done.stderr);
            assert.deepEqual(lines(done.stdout), ['configmap/doomed condition met']);
          },
        );
      });

      it('--for=jsonpath returns once the field has the value', async () => {
        const ns = await suite.namespace('wait-jsonpath');
        await k(['create', 'configmap', 'flag', '-n', ns, '--from-literal=ready=no']);
        await withWatch(
          [
            'wait',
            '--for=jsonpath={.data.ready}=yes',
            'configmap/flag',
            '-n',
            ns,
            '--timeout=30s',
            '-v=6',
          ],
          async (w) => {
            await w.waitForStderr(WATCH_OPENED, 'the watch request');
            await k([
              'patch',
              'cm',
              'flag',
              '-n',
              ns,
              '--type',
              'merge',
              '-p',
              '{"data":{"ready":"yes"}}',
            ]);
            const done = await w.wait();
            assert.equal(done.code, 0, done.stderr);
            assert.deepEqual(lines(done.stdout), ['configmap/flag condition met']);
          },
        );
      });

      it("--timeout expires with kubectl's message", async () => {
        const ns = await suite.namespace('wait-timeout');
        await k(['create', 'configmap', 'slow', '-n', ns, '--from-literal=ready=no']);
        const result = await suite.kubectl.fails([
          'wait',
          '--for=jsonpath={.data.ready}=yes',
          'configmap/slow',
          '-n',
          ns,
          '--timeout=1s',
        ]);
        assert.equal(
          result.stderr,
          'error: timed out waiting for the condition on configmaps/slow\n',
        );
      });
    });
  },
);
