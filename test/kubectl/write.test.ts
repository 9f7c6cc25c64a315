/**
 * kubectl 1.32 against mini-kube on SQLite (the default store): client-side `apply`, every
 * `patch` type, `label`, `annotate`, `replace`, `edit`, `delete` in its forms, `diff`,
 * server dry-run, and the update error paths (Conflict, Invalid) as a real cluster prints them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { findKubectl, FULL_SUITE_VERSION } from '../harness/kubectl.js';
import { describeOrSkip, lines, startKubectlSuite } from '../harness/suite.js';
import type { KubectlSuite } from '../harness/suite.js';

const binary = await findKubectl(FULL_SUITE_VERSION);

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describeOrSkip(binary.skip, `kubectl ${FULL_SUITE_VERSION}: writes`, { concurrency: 4 }, () => {
  let suite: KubectlSuite;
  const k = (args: string[], stdin?: string): Promise<string> =>
    stdin === undefined ? suite.kubectl.ok(args) : suite.kubectl.ok(args, { stdin });
  const getJson = async (kind: string, name: string, ns: string): Promise<any> =>
    JSON.parse(await k(['get', kind, name, '-n', ns, '-o', 'json']));

  before(async () => {
    suite = await startKubectlSuite(binary.path!, 'sqlite');
  });
  after(async () => {
    await suite.close();
  });

  it('apply -f creates, changes a field, removes a field, keeping what others set', async () => {
    const ns = await suite.namespace('apply');
    const manifest = (data: Record<string, string>, labels: Record<string, string>): string =>
      stringifyYaml({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app', namespace: ns, labels },
        data,
      });
    const path = await suite.manifest('apply.yaml', manifest({ a: '1', b: '2' }, { tier: 'web' }));
    assert.equal(await k(['apply', '-f', path]), 'configmap/app created\n');
    let cm = await getJson('cm', 'app', ns);
    assert.deepEqual(cm.data, { a: '1', b: '2' });
    const lastApplied = JSON.parse(cm.metadata.annotations[LAST_APPLIED]);
    assert.deepEqual(lastApplied.data, { a: '1', b: '2' });
    assert.deepEqual(lastApplied.metadata.labels, { tier: 'web' });
    assert.equal(lastApplied.metadata.name, 'app');

    assert.equal(await k(['apply', '-f', path]), 'configmap/app unchanged\n');

    // a field nobody applied survives the three-way merge
    await k(['patch', 'cm', 'app', '-n', ns, '--type', 'merge', '-p', '{"data":{"c":"3"}}']);

    await suite.manifest('apply.yaml', manifest({ a: '10', b: '2' }, { tier: 'web' }));
    assert.equal(await k(['apply', '-f', path]), 'configmap/app configured\n');
    cm = await getJson('cm', 'app', ns);
    assert.deepEqual(cm.data, { a: '10', b: '2', c: '3' });

    await suite.manifest('apply.yaml', manifest({ a: '10' }, {}));
    assert.equal(await k(['apply', '-f', path]), 'configmap/app configured\n');
    cm = await getJson('cm', 'app', ns);
    assert.deepEqual(cm.data, { a: '10', c: '3' });
    assert.deepEqual(cm.metadata.labels ?? {}, {});
    assert.deepEqual(JSON.parse(cm.metadata.annotations[LAST_APPLIED]).data, { a: '10' });

    const managers = (
      await k([
        'get',
        'cm',
        'app',
        '-n',
        ns,
        '--show-managed-fields',
        '-o',
        'jsonpath={.metadata.managedFields[*].manager}',
      ])
    ).split(' ');
    assert.ok(managers.includes('kubectl-client-side-apply'), managers.join(','));
    assert.ok(managers.includes('kubectl-patch'), managers.join(','));
  });

  describe('patch', () => {
    it('--type merge, and a patch that changes nothing', async () => {
      const ns = await suite.namespace('patch-merge');
      await k([
        'create',
        'configmap',
        'p',
        '-n',
        ns,
        '--from-literal=keep=1',
        '--from-literal=drop=2',
      ]);
      const out = await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"data":{"drop":null,"new":"3"}}',
      ]);
      assert.equal(out, 'configmap/p patched\n');
      assert.deepEqual((await getJson('cm', 'p', ns)).data, { keep: '1', new: '3' });
      const again = await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"data":{"new":"3"}}',
      ]);
      assert.equal(again, 'configmap/p patched (no change)\n');
    });

    it('--type json, and a failing test operation', async () => {
      const ns = await suite.namespace('patch-json');
      await k(['create', 'configmap', 'p', '-n', ns, '--from-literal=a=1', '--from-literal=b=2']);
      const out = await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"one"},{"op":"remove","path":"/data/b"},{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]',
      ]);
      assert.equal(out, 'configmap/p patched\n');
      const cm = await getJson('cm', 'p', ns);
      assert.deepEqual(cm.data, { a: 'one' });
      assert.deepEqual(cm.metadata.labels, { x: 'y' });
      const failed = await suite.kubectl.fails([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/data/a","value":"1"}]',
      ]);
      // as kube: apiserver handlers/patch.go applyJSPatch answers 422 with a generic Invalid status
      assert.equal(
        failed.stderr,
        'The request is invalid: the server rejected our request due to an error in our request\n',
      );
    });

    it('--type strategic (the default) merges lists by their merge keys', async () => {
      const ns = await suite.namespace('patch-strategic');
      await k(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'p',
            namespace: ns,
            finalizers: ['example.com/a'],
            ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o1', uid: 'uid-1' }],
          },
        }),
      );
      const out = await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '-p',
        JSON.stringify({
          metadata: {
            finalizers: ['example.com/b'],
            ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o2', uid: 'uid-2' }],
          },
        }),
      ]);
      assert.equal(out, 'configmap/p patched\n');
      let cm = await getJson('cm', 'p', ns);
      // finalizers: patchStrategy merge (a set); ownerReferences: merge key uid. Patch items
      // come first: apimachinery strategicpatch normalizeElementOrder / mergeSortedSlice
      assert.deepEqual(cm.metadata.finalizers, ['example.com/b', 'example.com/a']);
      assert.deepEqual(
        cm.metadata.ownerReferences.map((o: any) => [o.uid, o.name]),
        [
          ['uid-2', 'o2'],
          ['uid-1', 'o1'],
        ],
      );
      await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'strategic',
        '-p',
        '{"metadata":{"ownerReferences":[{"uid":"uid-1","$patch":"delete"}]}}',
      ]);
      cm = await getJson('cm', 'p', ns);
      assert.deepEqual(
        cm.metadata.ownerReferences.map((o: any) => o.uid),
        ['uid-2'],
      );
      // the same list through a merge patch replaces it whole
      await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":["example.com/c"]}}',
      ]);
      cm = await getJson('cm', 'p', ns);
      assert.deepEqual(cm.metadata.finalizers, ['example.com/c']);
      await k([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"remove","path":"/metadata/finalizers"}]',
      ]);
    });

    it('a merge patch carrying a stale resourceVersion is a Conflict', async () => {
      const ns = await suite.namespace('patch-conflict');
      await k(['create', 'configmap', 'p', '-n', ns, '--from-literal=a=1']);
      const rv = await k([
        'get',
        'cm',
        'p',
        '-n',
        ns,
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ]);
      await k(['label', 'cm', 'p', '-n', ns, 'bump=1']);
      const stale = await suite.kubectl.fails([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        JSON.stringify({ metadata: { resourceVersion: rv }, data: { a: '2' } }),
      ]);
      assert.equal(
        stale.stderr,
        'Error from server (Conflict): Operation cannot be fulfilled on configmaps "p": the object has been modified; please apply your changes to the latest version and try again\n',
      );
      assert.deepEqual((await getJson('cm', 'p', ns)).data, { a: '1' });
    });

    it('an invalid result is Invalid with the field', async () => {
      const ns = await suite.namespace('patch-invalid');
      await k(['create', 'configmap', 'p', '-n', ns, '--from-literal=a=1']);
      const failed = await suite.kubectl.fails([
        'patch',
        'cm',
        'p',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"data":{"no/slash":"v"}}',
      ]);
      assert.match(
        failed.stderr,
        /^The ConfigMap "p" is invalid: data\[no\/slash\]: Invalid value: "no\/slash": a valid config key must consist of alphanumeric characters/,
      );
      assert.deepEqual((await getJson('cm', 'p', ns)).data, { a: '1' });
    });

    it('data of an immutable configmap cannot change', async () => {
      const ns = await suite.namespace('patch-immutable');
      await k(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'frozen', namespace: ns },
          immutable: true,
          data: { a: '1' },
        }),
      );
      const failed = await suite.kubectl.fails([
        'patch',
        'cm',
        'frozen',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"data":{"a":"2"}}',
      ]);
      // as kube: pkg/apis/core/validation ValidateConfigMapUpdate
      assert.equal(
        failed.stderr,
        'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n',
      );
    });
  });

  it('label: add, refuse to overwrite, --overwrite, remove with key-', async () => {
    const ns = await suite.namespace('label');
    await k(['create', 'configmap', 'l', '-n', ns]);
    const labels = async (): Promise<unknown> =>
      (await getJson('cm', 'l', ns)).metadata.labels ?? {};
    assert.equal(
      await k(['label', 'cm', 'l', '-n', ns, 'env=prod', 'team=core']),
      'configmap/l labeled\n',
    );
    assert.deepEqual(await labels(), { env: 'prod', team: 'core' });
    const refused = await suite.kubectl.fails(['label', 'cm', 'l', '-n', ns, 'env=dev']);
    assert.equal(
      refused.stderr,
      "error: 'env' already has a value (prod), and --overwrite is false\n",
    );
    assert.equal(
      await k(['label', 'cm', 'l', '-n', ns, 'env=dev', '--overwrite']),
      'configmap/l labeled\n',
    );
    assert.deepEqual(await labels(), { env: 'dev', team: 'core' });
    assert.equal(await k(['label', 'cm', 'l', '-n', ns, 'env-']), 'configmap/l unlabeled\n');
    assert.deepEqual(await labels(), { team: 'core' });
  });

  it('a map emptied by a patch is omitted, as Go encodes an empty omitempty map', async () => {
    const ns = await suite.namespace('empty-map');
    await k(['create', 'configmap', 'm', '-n', ns]);
    await k(['label', 'cm', 'm', '-n', ns, 'only=1']);
    await k(['annotate', 'cm', 'm', '-n', ns, 'only=1']);
    await k(['label', 'cm', 'm', '-n', ns, 'only-']);
    await k(['annotate', 'cm', 'm', '-n', ns, 'only-']);
    const metadata = (await getJson('cm', 'm', ns)).metadata;
    assert.equal(metadata.labels, undefined);
    assert.equal(metadata.annotations, undefined);
  });

  it('annotate: add, refuse to overwrite, --overwrite, remove with key-', async () => {
    const ns = await suite.namespace('annotate');
    await k(['create', 'configmap', 'a', '-n', ns]);
    const annotations = async (): Promise<unknown> =>
      (await getJson('cm', 'a', ns)).metadata.annotations ?? {};
    assert.equal(await k(['annotate', 'cm', 'a', '-n', ns, 'note=one']), 'configmap/a annotated\n');
    assert.deepEqual(await annotations(), { note: 'one' });
    const refused = await suite.kubectl.fails(['annotate', 'cm', 'a', '-n', ns, 'note=two']);
    assert.equal(
      refused.stderr,
      "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (one)\n",
    );
    assert.equal(
      await k(['annotate', 'cm', 'a', '-n', ns, 'note=two', '--overwrite']),
      'configmap/a annotated\n',
    );
    assert.deepEqual(await annotations(), { note: 'two' });
    assert.equal(await k(['annotate', 'cm', 'a', '-n', ns, 'note-']), 'configmap/a annotated\n');
    assert.deepEqual(await annotations(), {});
  });

  it('replace: a fresh copy replaces, a stale one is a Conflict, a missing one NotFound', async () => {
    const ns = await suite.namespace('replace');
    await k(['create', 'configmap', 'r', '-n', ns, '--from-literal=v=1']);
    const original = parseYaml(await k(['get', 'cm', 'r', '-n', ns, '-o', 'yaml']));
    const edited = { ...original, data: { v: '2' } };
    const path = await suite.manifest('replace.yaml', stringifyYaml(edited));
    assert.equal(await k(['replace', '-f', path]), 'configmap/r replaced\n');
    const now = await getJson('cm', 'r', ns);
    assert.deepEqual(now.data, { v: '2' });
    assert.ok(
      BigInt(now.metadata.resourceVersion) > BigInt(original.metadata.resourceVersion),
      `${now.metadata.resourceVersion} after ${original.metadata.resourceVersion}`,
    );

    // the same file again carries the old resourceVersion
    await suite.manifest('replace.yaml', stringifyYaml({ ...original, data: { v: '3' } }));
    const stale = await suite.kubectl.fails(['replace', '-f', path]);
    assert.equal(
      stale.stderr,
      `Error from server (Conflict): error when replacing "${path}": Operation cannot be fulfilled on configmaps "r": the object has been modified; please apply your changes to the latest version and try again\n`,
    );
    assert.deepEqual((await getJson('cm', 'r', ns)).data, { v: '2' });

    const ghost = await suite.manifest(
      'replace-ghost.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ghost, namespace: ${ns}}\n`,
    );
    const missing = await suite.kubectl.fails(['replace', '-f', ghost]);
    assert.equal(
      missing.stderr,
      `Error from server (NotFound): error when replacing "${ghost}": configmaps "ghost" not found\n`,
    );
  });

  it('edit with a non-interactive editor saves the change; no change cancels', async () => {
    const ns = await suite.namespace('edit');
    await k(['create', 'configmap', 'e', '-n', ns, '--from-literal=color=before-edit']);
    const edited = await suite.kubectl.run(['edit', 'cm', 'e', '-n', ns], {
      env: { KUBE_EDITOR: 'sed -i s/before-edit/after-edit/' },
    });
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(edited.stdout, 'configmap/e edited\n');
    assert.deepEqual((await getJson('cm', 'e', ns)).data, { color: 'after-edit' });
    const untouched = await suite.kubectl.run(['edit', 'cm', 'e', '-n', ns], {
      env: { KUBE_EDITOR: 'true' },
    });
    assert.equal(untouched.code, 0, untouched.stderr);
    assert.equal(untouched.stderr, 'Edit cancelled, no changes made.\n');
  });

  describe('delete', () => {
    it('by name', async () => {
      const ns = await suite.namespace('delete-name');
      await k(['create', 'configmap', 'd', '-n', ns]);
      assert.equal(await k(['delete', 'configmap', 'd', '-n', ns]), 'configmap "d" deleted\n');
      const gone = await suite.kubectl.fails(['get', 'cm', 'd', '-n', ns]);
      assert.equal(gone.stderr, 'Error from server (NotFound): configmaps "d" not found\n');
    });

    it('by label selector, leaving the rest', async () => {
      const ns = await suite.namespace('delete-label');
      await k(
        ['create', '-f', '-'],
        ['one', 'two', 'three']
          .map(
            (name) =>
              `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}, labels: {doomed: "${name === 'two' ? 'no' : 'yes'}"}}\n`,
          )
          .join('---\n'),
      );
      const out = await k(['delete', 'cm', '-n', ns, '-l', 'doomed=yes']);
      assert.deepEqual(lines(out), ['configmap "one" deleted', 'configmap "three" deleted']);
      assert.equal(
        await k(['get', 'cm', '-n', ns, '-l', 'doomed', '-o', 'name']),
        'configmap/two\n',
      );
    });

    it('--all in a namespace', async () => {
      const ns = await suite.namespace('delete-all');
      await Promise.all(['x', 'y'].map((n) => k(['create', 'configmap', n, '-n', ns])));
      const out = await k(['delete', 'cm', '--all', '-n', ns]);
      assert.ok(lines(out).includes('configmap "x" deleted'), out);
      assert.ok(lines(out).includes('configmap "y" deleted'), out);
      const after = await suite.kubectl.run(['get', 'cm', '-n', ns]);
      assert.equal(after.stdout, '');
      assert.equal(after.stderr, `No resources found in ${ns} namespace.\n`);
    });

    it('--wait blocks until a finalizer is removed', async () => {
      const ns = await suite.namespace('delete-wait');
      await k(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] },
        }),
      );
      const deleting = suite.kubectl.stream([
        'delete',
        'cm',
        'held',
        '-n',
        ns,
        '--wait=true',
        '--timeout=60s',
      ]);
      try {
        await deleting.waitFor(
          (out) => out.includes('configmap "held" deleted'),
          'the delete to be accepted',
        );
        // the object stays, marked for deletion, while the finalizer holds it
        const held = await getJson('cm', 'held', ns);
        assert.match(held.metadata.deletionTimestamp, /^\d{4}-/);
        assert.ok(deleting.running, 'kubectl delete --wait returned while the object still exists');
        await k([
          'patch',
          'cm',
          'held',
          '-n',
          ns,
          '--type',
          'json',
          '-p',
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ]);
        const done = await deleting.wait(30_000);
        assert.equal(done.code, 0, done.stderr);
      } finally {
        await deleting.stop();
      }
      const gone = await suite.kubectl.fails(['get', 'cm', 'held', '-n', ns]);
      assert.equal(gone.stderr, 'Error from server (NotFound): configmaps "held" not found\n');
    });

    it('a namespace, and what is in it', async () => {
      const ns = await suite.namespace('delete-namespace');
      await k(['create', 'configmap', 'inside', '-n', ns]);
      assert.equal(
        await k(['delete', 'namespace', ns, '--timeout=60s']),
        `namespace "${ns}" deleted\n`,
      );
      const gone = await suite.kubectl.fails(['get', 'namespace', ns]);
      assert.equal(gone.stderr, `Error from server (NotFound): namespaces "${ns}" not found\n`);
      const empty = await suite.kubectl.run(['get', 'cm', '-n', ns, '-o', 'name']);
      assert.equal(empty.stdout, '');
    });
  });

  it('diff shows the change without making it; no change exits 0', async () => {
    const ns = await suite.namespace('diff');
    const manifest = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: ${ns}}\ndata: {a: "${value}"}\n`;
    const path = await suite.manifest('diff.yaml', manifest('1'));
    await k(['apply', '-f', path]);
    const same = await suite.kubectl.run(['diff', '-f', path]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');
    await suite.manifest('diff.yaml', manifest('2'));
    const changed = await suite.kubectl.run(['diff', '-f', path]);
    assert.equal(changed.code, 1, changed.stderr);
    const diffLines = changed.stdout.split('\n');
    assert.ok(diffLines.includes('-  a: "1"'), changed.stdout);
    assert.ok(diffLines.includes('+  a: "2"'), changed.stdout);
    // generation and resourceVersion are not part of the diff (kubectl masks them)
    assert.equal(diffLines.filter((l) => /^[-+] /.test(l)).length, 2, changed.stdout);
    assert.deepEqual((await getJson('cm', 'd', ns)).data, { a: '1' });
  });

  describe('--dry-run=server persists nothing', () => {
    it('create configmap', async () => {
      const ns = await suite.namespace('dry-create');
      const cm = JSON.parse(
        await k([
          'create',
          'configmap',
          'dry',
          '-n',
          ns,
          '--from-literal=k=v',
          '--dry-run=server',
          '-o',
          'json',
        ]),
      );
      assert.equal(cm.metadata.name, 'dry');
      assert.deepEqual(cm.data, { k: 'v' });
      assert.match(cm.metadata.uid, /^[0-9a-f-]{36}$/);
      const gone = await suite.kubectl.fails(['get', 'cm', 'dry', '-n', ns]);
      assert.equal(gone.stderr, 'Error from server (NotFound): configmaps "dry" not found\n');
    });

    it('create namespace', async () => {
      assert.equal(
        await k(['create', 'namespace', 'dry-ns', '--dry-run=server']),
        'namespace/dry-ns created (server dry run)\n',
      );
      const gone = await suite.kubectl.fails(['get', 'namespace', 'dry-ns']);
      assert.equal(gone.stderr, 'Error from server (NotFound): namespaces "dry-ns" not found\n');
    });

    it('apply, patch and delete', async () => {
      const ns = await suite.namespace('dry-apply');
      const path = await suite.manifest(
        'dry-apply.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ${ns}}\ndata: {k: v}\n`,
      );
      assert.equal(
        await k(['apply', '-f', path, '--dry-run=server']),
        'configmap/a created (server dry run)\n',
      );
      await suite.kubectl.fails(['get', 'cm', 'a', '-n', ns]);
      await k(['apply', '-f', path]);
      assert.equal(
        await k([
          'patch',
          'cm',
          'a',
          '-n',
          ns,
          '--type',
          'merge',
          '-p',
          '{"data":{"k":"w"}}',
          '--dry-run=server',
        ]),
        // kubectl patch drops the dry-run suffix (its ToPrinter resets the operation)
        'configmap/a patched\n',
      );
      assert.equal(
        await k(['delete', 'cm', 'a', '-n', ns, '--dry-run=server']),
        'configmap "a" deleted (server dry run)\n',
      );
      assert.deepEqual((await getJson('cm', 'a', ns)).data, { k: 'v' });
    });
  });
});
