/**
 * kubectl 1.32 against mini-kube: discovery (`version`, `api-resources`, `api-versions`,
 * `explain`), the `create` generators, every `get` output and selector, `describe`, and the
 * error paths as a real cluster prints them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findKubectl, FULL_SUITE_VERSION } from '../harness/kubectl.js';
import { describeOrSkip, lines, startKubectlSuite, table } from '../harness/suite.js';
import type { KubectlSuite } from '../harness/suite.js';

const binary = await findKubectl(FULL_SUITE_VERSION);

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

// as kube: k8s.io/apimachinery pkg/util/validation/validation.go IsDNS1123Subdomain / RegexError
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
// as kube: the same file, IsConfigMapKey (RegexError puts two spaces before each "or")
const CONFIG_KEY_MESSAGE =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** The objects most read tests look at, in namespaces `read` and `read-two`. */
const FIXTURES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: alpha
  namespace: read
  labels: {fixture: read, app: web, tier: fe, spread: "yes"}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: beta
  namespace: read
  labels: {fixture: read, app: web, tier: be}
data: {a: "3"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: gamma
  namespace: read
  labels: {fixture: read, app: db}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: delta
  namespace: read-two
  labels: {spread: "yes"}
data: {x: "y"}
`;

describeOrSkip(
  binary.skip,
  `kubectl ${FULL_SUITE_VERSION}: discovery, create and read`,
  { concurrency: 4 },
  () => {
    let suite: KubectlSuite;
    const k = (args: string[], stdin?: string): Promise<string> =>
      stdin === undefined ? suite.kubectl.ok(args) : suite.kubectl.ok(args, { stdin });

    before(async () => {
      suite = await startKubectlSuite(binary.path!, 'memory');
      await Promise.all([suite.namespace('read'), suite.namespace('read-two')]);
      const created = await k(['create', '-f', '-'], FIXTURES);
      assert.deepEqual(lines(created), [
        'configmap/alpha created',
        'configmap/beta created',
        'configmap/gamma created',
        'configmap/delta created',
      ]);
    });
    after(async () => {
      await suite.close();
    });

    it('version reports the client and a server minor that selects a modern kubectl', async () => {
      const json = JSON.parse(await k(['version', '-o', 'json']));
      assert.equal(json.clientVersion.minor, FULL_SUITE_VERSION.split('.')[1]);
      assert.equal(json.serverVersion.major, '1');
      assert.match(json.serverVersion.gitVersion, /^v1\.\d+\.\d+/);
      // the kubectl dispatcher execs kubectl.1.<minor>; below 29 users would get an old build
      assert.ok(Number.parseInt(json.serverVersion.minor, 10) >= 29, json.serverVersion.minor);
      const plain = await suite.kubectl.run(['version']);
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stdout, /^Client Version: v1\.32\.\d+$/m);
      assert.ok(
        lines(plain.stdout).includes(`Server Version: ${json.serverVersion.gitVersion}`),
        plain.stdout,
      );
      assert.equal(plain.stderr, '', 'no version-skew warning');
    });

    it('api-resources lists the core resources with short names, scope and kind', async () => {
      const out = await k(['api-resources']);
      const rows = lines(out);
      assert.match(rows[0]!, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
      for (const row of [
        /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/,
        /^events\s+ev\s+v1\s+true\s+Event$/,
        /^namespaces\s+ns\s+v1\s+false\s+Namespace$/,
        /^secrets\s+v1\s+true\s+Secret$/,
        /^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$/,
      ]) {
        assert.ok(
          rows.some((r) => row.test(r)),
          `${row} in\n${out}`,
        );
      }
      const clusterScoped = lines(await k(['api-resources', '--namespaced=false', '-o', 'name']));
      assert.ok(clusterScoped.includes('namespaces'), clusterScoped.join(','));
      assert.ok(!clusterScoped.includes('configmaps'), clusterScoped.join(','));
      const wide = lines(await k(['api-resources', '-o', 'wide']));
      const configmaps = wide.find((r) => r.startsWith('configmaps '));
      assert.ok(configmaps !== undefined, wide.join('\n'));
      const verbs = configmaps.split(/\s+/)[5]!.split(',').sort();
      assert.deepEqual(verbs, [
        'create',
        'delete',
        'deletecollection',
        'get',
        'list',
        'patch',
        'update',
        'watch',
      ]);
    });

    it('api-versions lists v1, sorted and without duplicates', async () => {
      const versions = lines(await k(['api-versions']));
      assert.ok(versions.includes('v1'), versions.join(','));
      assert.deepEqual([...versions].sort(), versions);
      assert.equal(new Set(versions).size, versions.length);
      for (const v of versions) assert.match(v, /^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
    });

    describe('explain', () => {
      const cases: { name: string; args: string[]; expect: RegExp[] }[] = [
        {
          name: 'a kind lists its fields with types',
          args: ['configmap'],
          expect: [
            /^KIND:\s+ConfigMap$/m,
            /^VERSION:\s+v1$/m,
            /^DESCRIPTION:$/m,
            /^ {2}data\s+<map\[string\]string>$/m,
            /^ {2}binaryData\s+<map\[string\]string>$/m,
            /^ {2}immutable\s+<boolean>$/m,
            /^ {2}metadata\s+<ObjectMeta>$/m,
          ],
        },
        {
          name: 'a field of a kind',
          args: ['secret.type'],
          expect: [/^KIND:\s+Secret$/m, /^FIELD: type <string>$/m],
        },
        {
          name: 'a nested field through ObjectMeta',
          args: ['configmap.metadata.labels'],
          expect: [/^FIELD: labels <map\[string\]string>$/m],
        },
        {
          name: 'a field inside a list item',
          args: ['configmap.metadata.ownerReferences.uid'],
          expect: [/^FIELD: uid <string>$/m],
        },
        {
          name: 'a list field of a cluster-scoped kind',
          args: ['namespace.spec.finalizers'],
          expect: [/^KIND:\s+Namespace$/m, /^FIELD: finalizers <\[\]string>$/m],
        },
      ];
      for (const c of cases) {
        it(c.name, async () => {
          const out = await k(['explain', ...c.args]);
          for (const re of c.expect) assert.match(out, re);
        });
      }
      it('an unknown field is an error', async () => {
        const result = await suite.kubectl.fails(['explain', 'configmap.nope']);
        assert.equal(result.stderr.trim(), 'error: field "nope" does not exist');
      });
    });

    describe('create', () => {
      it('configmap from literals', async () => {
        const ns = await suite.namespace('create-literal');
        const out = await k([
          'create',
          'configmap',
          'settings',
          '-n',
          ns,
          '--from-literal=mode=fast',
          '--from-literal=greeting=hello world',
        ]);
        assert.equal(out, 'configmap/settings created\n');
        const cm = JSON.parse(await k(['get', 'configmap', 'settings', '-n', ns, '-o', 'json']));
        assert.deepEqual(cm.data, { greeting: 'hello world', mode: 'fast' });
        assert.equal(cm.kind, 'ConfigMap');
        assert.equal(cm.metadata.namespace, ns);
        assert.match(cm.metadata.uid, UID);
      });

      it('secret generic, defaulted to Opaque, data base64', async () => {
        const ns = await suite.namespace('create-secret');
        const out = await k([
          'create',
          'secret',
          'generic',
          'login',
          '-n',
          ns,
          '--from-literal=user=admin',
          '--from-literal=password=s3cr3t w0rd',
        ]);
        assert.equal(out, 'secret/login created\n');
        const secret = JSON.parse(await k(['get', 'secret', 'login', '-n', ns, '-o', 'json']));
        assert.equal(secret.type, 'Opaque');
        assert.deepEqual(secret.data, { password: b64('s3cr3t w0rd'), user: b64('admin') });
      });

      it('namespace, Active and labelled with its name', async () => {
        const out = await k(['create', 'namespace', 'made-here']);
        assert.equal(out, 'namespace/made-here created\n');
        const ns = JSON.parse(await k(['get', 'namespace', 'made-here', '-o', 'json']));
        assert.equal(ns.status.phase, 'Active');
        // as kube: pkg/registry/core/namespace/strategy.go sets kubernetes.io/metadata.name
        assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'made-here');
        assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
      });

      it('configmap from files, keyed by file name or by an explicit key', async () => {
        const ns = await suite.namespace('create-file');
        const dir = suite.kubectl.workDir;
        await writeFile(join(dir, 'app.properties'), 'color=blue\nsize=10\n');
        await writeFile(join(dir, 'motd.txt'), 'welcome\n');
        const out = await k([
          'create',
          'configmap',
          'files',
          '-n',
          ns,
          `--from-file=${join(dir, 'app.properties')}`,
          `--from-file=banner=${join(dir, 'motd.txt')}`,
        ]);
        assert.equal(out, 'configmap/files created\n');
        const data = JSON.parse(
          await k(['get', 'cm', 'files', '-n', ns, '-o', 'jsonpath={.data}']),
        );
        assert.deepEqual(data, { 'app.properties': 'color=blue\nsize=10\n', banner: 'welcome\n' });
      });

      it('from a multi-document manifest file, with stringData folded into data', async () => {
        const ns = await suite.namespace('create-manifest');
        const path = await suite.manifest(
          'create-manifest.yaml',
          `apiVersion: v1
kind: ConfigMap
metadata: {name: from-file, namespace: ${ns}}
data: {k: v}
---
apiVersion: v1
kind: Secret
metadata: {name: from-file, namespace: ${ns}}
stringData: {token: abc}
`,
        );
        const out = await k(['create', '-f', path]);
        assert.deepEqual(lines(out), ['configmap/from-file created', 'secret/from-file created']);
        const secret = JSON.parse(await k(['get', 'secret', 'from-file', '-n', ns, '-o', 'json']));
        assert.deepEqual(secret.data, { token: b64('abc') });
        assert.equal(secret.stringData, undefined);
        assert.equal(secret.type, 'Opaque');
      });
    });

    describe('get', () => {
      it('by names prints a table with the DATA count', async () => {
        const rows = table(await k(['get', 'configmaps', 'alpha', 'gamma', '-n', 'read']));
        assert.deepEqual(rows[0], ['NAME', 'DATA', 'AGE']);
        assert.deepEqual(
          rows.slice(1).map((r) => r.slice(0, 2)),
          [
            ['alpha', '2'],
            ['gamma', '0'],
          ],
        );
        assert.equal(rows.length, 3);
      });

      it('namespaces include the three built-in ones, Active', async () => {
        const rows = table(await k(['get', 'namespaces']));
        assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE']);
        for (const name of ['default', 'kube-public', 'kube-system']) {
          const row = rows.find((r) => r[0] === name);
          assert.deepEqual(row?.slice(0, 2), [name, 'Active'], name);
        }
      });

      it('-o yaml shows the object with server-set metadata and hides managedFields', async () => {
        const cm = parseYaml(await k(['get', 'cm', 'alpha', '-n', 'read', '-o', 'yaml']));
        assert.equal(cm.apiVersion, 'v1');
        assert.equal(cm.kind, 'ConfigMap');
        assert.equal(cm.metadata.name, 'alpha');
        assert.equal(cm.metadata.namespace, 'read');
        assert.deepEqual(cm.data, { a: '1', b: '2' });
        assert.match(cm.metadata.uid, UID);
        assert.match(cm.metadata.resourceVersion, /^[1-9]\d*$/);
        assert.match(cm.metadata.creationTimestamp, TIMESTAMP);
        assert.equal(cm.metadata.managedFields, undefined);
      });

      it('--show-managed-fields shows what kubectl create owns', async () => {
        const cm = parseYaml(
          await k(['get', 'cm', 'beta', '-n', 'read', '-o', 'yaml', '--show-managed-fields']),
        );
        const entries = cm.metadata.managedFields;
        assert.equal(entries.length, 1, JSON.stringify(entries));
        assert.equal(entries[0].manager, 'kubectl-create');
        assert.equal(entries[0].operation, 'Update');
        assert.equal(entries[0].apiVersion, 'v1');
        assert.equal(entries[0].fieldsType, 'FieldsV1');
        assert.deepEqual(entries[0].fieldsV1['f:data'], { '.': {}, 'f:a': {} });
        assert.deepEqual(Object.keys(entries[0].fieldsV1['f:metadata']['f:labels']).sort(), [
          '.',
          'f:app',
          'f:fixture',
          'f:tier',
        ]);
      });

      it('-o yaml of several objects is a List', async () => {
        const list = parseYaml(
          await k(['get', 'cm', '-n', 'read', '-l', 'fixture=read', '-o', 'yaml']),
        );
        assert.equal(list.kind, 'List');
        assert.equal(list.apiVersion, 'v1');
        assert.deepEqual(
          list.items.map((i: any) => [i.kind, i.metadata.name]),
          [
            ['ConfigMap', 'alpha'],
            ['ConfigMap', 'beta'],
            ['ConfigMap', 'gamma'],
          ],
        );
      });

      it('-o json of one object', async () => {
        const cm = JSON.parse(await k(['get', 'cm', 'beta', '-n', 'read', '-o', 'json']));
        assert.equal(cm.kind, 'ConfigMap');
        assert.deepEqual(cm.metadata.labels, { app: 'web', fixture: 'read', tier: 'be' });
        assert.deepEqual(cm.data, { a: '3' });
      });

      it('-o wide of namespaces', async () => {
        const rows = table(await k(['get', 'ns', 'default', 'read', '-o', 'wide']));
        assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE']);
        assert.deepEqual(
          rows.slice(1).map((r) => r.slice(0, 2)),
          [
            ['default', 'Active'],
            ['read', 'Active'],
          ],
        );
      });

      it('-o name', async () => {
        const out = await k(['get', 'cm', '-n', 'read', '-l', 'fixture=read', '-o', 'name']);
        assert.equal(out, 'configmap/alpha\nconfigmap/beta\nconfigmap/gamma\n');
      });

      it('-o jsonpath over items and with range', async () => {
        const names = await k([
          'get',
          'cm',
          '-n',
          'read',
          '-l',
          'fixture=read',
          '-o',
          'jsonpath={.items[*].metadata.name}',
        ]);
        assert.equal(names, 'alpha beta gamma');
        const tiers = await k([
          'get',
          'cm',
          '-n',
          'read',
          '-l',
          'fixture=read',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.tier}{"\\n"}{end}',
        ]);
        assert.equal(tiers, 'alpha=fe\nbeta=be\ngamma=\n');
      });

      it('-o custom-columns', async () => {
        const rows = table(
          await k([
            'get',
            'cm',
            '-n',
            'read',
            '-l',
            'fixture=read',
            '-o',
            'custom-columns=NAME:.metadata.name,APP:.metadata.labels.app,A:.data.a',
          ]),
        );
        assert.deepEqual(rows, [
          ['NAME', 'APP', 'A'],
          ['alpha', 'web', '1'],
          ['beta', 'web', '3'],
          ['gamma', 'db', '<none>'],
        ]);
      });

      describe('label selectors (-l)', () => {
        const cases: { selector: string; names: string[] }[] = [
          { selector: 'app=web', names: ['alpha', 'beta'] },
          { selector: 'app==web', names: ['alpha', 'beta'] },
          { selector: 'app!=web', names: ['gamma'] },
          { selector: 'app in (web,db),tier!=be', names: ['alpha', 'gamma'] },
          { selector: 'tier notin (fe)', names: ['beta', 'gamma'] },
          { selector: 'tier', names: ['alpha', 'beta'] },
          { selector: '!tier', names: ['gamma'] },
          { selector: 'app=web,tier=fe', names: ['alpha'] },
          { selector: 'app=none', names: [] },
        ];
        for (const c of cases) {
          it(c.selector, async () => {
            const result = await suite.kubectl.run([
              'get',
              'cm',
              '-n',
              'read',
              '-l',
              `fixture=read,${c.selector}`,
              '-o',
              'name',
            ]);
            assert.equal(result.code, 0, result.stderr);
            assert.deepEqual(
              lines(result.stdout),
              c.names.map((n) => `configmap/${n}`),
            );
            if (c.names.length === 0) {
              // only the table printer says so (kubectl get.go); -o name prints nothing
              const empty = await suite.kubectl.run(['get', 'cm', '-n', 'read', '-l', c.selector]);
              assert.equal(empty.stdout, '');
              assert.equal(empty.stderr, 'No resources found in read namespace.\n');
            }
          });
        }
      });

      describe('field selectors (--field-selector)', () => {
        const cases: { name: string; args: string[]; names: string[] }[] = [
          {
            name: 'metadata.name=',
            args: ['cm', '-n', 'read', '--field-selector', 'metadata.name=beta'],
            names: ['configmap/beta'],
          },
          {
            name: 'metadata.name!=',
            args: [
              'cm',
              '-n',
              'read',
              '-l',
              'fixture=read',
              '--field-selector',
              'metadata.name!=beta',
            ],
            names: ['configmap/alpha', 'configmap/gamma'],
          },
          {
            name: 'metadata.namespace= across namespaces',
            args: ['cm', '-A', '-l', 'spread', '--field-selector', 'metadata.namespace=read-two'],
            names: ['configmap/delta'],
          },
          {
            name: 'status.phase on namespaces',
            args: ['ns', '--field-selector', 'status.phase=Active,metadata.name=kube-system'],
            names: ['namespace/kube-system'],
          },
        ];
        for (const c of cases) {
          it(c.name, async () => {
            assert.deepEqual(lines(await k(['get', ...c.args, '-o', 'name'])), c.names);
          });
        }
        it('an unknown field is BadRequest, as a real cluster words it', async () => {
          const result = await suite.kubectl.fails([
            'get',
            'cm',
            '-n',
            'read',
            '--field-selector',
            'data.a=1',
          ]);
          // as kube: apimachinery runtime.DefaultMetaV1FieldSelectorConversion; cli-runtime EnhanceListError
          assert.equal(
            result.stderr,
            'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "data.a=1": "data.a" is not a known field selector: only "metadata.name", "metadata.namespace"\n',
          );
        });
      });

      it('--show-labels adds the LABELS column', async () => {
        const rows = table(await k(['get', 'cm', 'alpha', 'gamma', '-n', 'read', '--show-labels']));
        assert.deepEqual(rows[0], ['NAME', 'DATA', 'AGE', 'LABELS']);
        assert.equal(rows[1]![0], 'alpha');
        assert.equal(rows[1]![3], 'app=web,fixture=read,spread=yes,tier=fe');
        assert.equal(rows[2]![3], 'app=db,fixture=read');
      });

      it('-A fills the NAMESPACE column', async () => {
        const rows = table(await k(['get', 'cm', '-A', '-l', 'spread=yes']));
        assert.deepEqual(rows[0], ['NAMESPACE', 'NAME', 'DATA', 'AGE']);
        // storage key order, as etcd: "read-two/delta" sorts before "read/alpha" ('-' < '/')
        assert.deepEqual(
          rows.slice(1).map((r) => r.slice(0, 3)),
          [
            ['read-two', 'delta', '1'],
            ['read', 'alpha', '2'],
          ],
        );
      });
    });

    describe('describe', () => {
      it('a configmap with its data and the events about it', async () => {
        const ns = await suite.namespace('describe-cm');
        await k(['create', 'configmap', 'described', '-n', ns, '--from-literal=key=value']);
        await k(['label', 'cm', 'described', '-n', ns, 'team=core']);
        const uid = await k(['get', 'cm', 'described', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        await k(
          ['create', '-f', '-'],
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Event',
            metadata: { name: 'described.1', namespace: ns },
            involvedObject: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'described',
              namespace: ns,
              uid,
            },
            reason: 'Synced',
            message: 'the data was synced',
            type: 'Normal',
            source: { component: 'test-controller' },
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          }),
        );
        const out = await k(['describe', 'configmap', 'described', '-n', ns]);
        assert.match(out, /^Name:\s+described$/m);
        assert.match(out, new RegExp(`^Namespace:\\s+${ns}$`, 'm'));
        assert.match(out, /^Labels:\s+team=core$/m);
        assert.match(out, /^Annotations:\s+<none>$/m);
        assert.match(out, /^Data\n====\nkey:\n----\nvalue\n/m);
        assert.match(out, /^BinaryData\n====\n/m);
        assert.match(out, /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/m);
        assert.match(out, /^\s+Normal\s+Synced\s+\S+\s+test-controller\s+the data was synced$/m);
      });

      it('a secret shows sizes, not values', async () => {
        const ns = await suite.namespace('describe-secret');
        await k(['create', 'secret', 'generic', 'shh', '-n', ns, '--from-literal=pin=1234']);
        const out = await k(['describe', 'secret', 'shh', '-n', ns]);
        assert.match(out, /^Type:\s+Opaque$/m);
        assert.match(out, /^pin:\s+4 bytes$/m);
        assert.doesNotMatch(out, /1234/);
      });

      it('a namespace shows its phase', async () => {
        const out = await k(['describe', 'namespace', 'read']);
        assert.match(out, /^Name:\s+read$/m);
        assert.match(out, /^Labels:\s+kubernetes\.io\/metadata\.name=read$/m);
        assert.match(out, /^Status:\s+Active$/m);
      });
    });

    describe('errors, worded as on a real cluster', () => {
      const cases: { name: string; args: string[]; stdin?: string; stderr: string }[] = [
        {
          name: 'get of a missing object is NotFound',
          args: ['get', 'configmap', 'missing', '-n', 'read'],
          stderr: 'Error from server (NotFound): configmaps "missing" not found',
        },
        {
          name: 'delete of a missing object is NotFound',
          args: ['delete', 'configmap', 'missing', '-n', 'read'],
          stderr: 'Error from server (NotFound): configmaps "missing" not found',
        },
        {
          name: 'get of a missing namespace is NotFound',
          args: ['get', 'namespace', 'nowhere'],
          stderr: 'Error from server (NotFound): namespaces "nowhere" not found',
        },
        {
          name: 'create namespace twice is AlreadyExists',
          args: ['create', 'namespace', 'read'],
          stderr: 'Error from server (AlreadyExists): namespaces "read" already exists',
        },
        {
          // kubectl create configmap wraps the error (create_configmap.go Run)
          name: 'create configmap twice is AlreadyExists',
          args: ['create', 'configmap', 'alpha', '-n', 'read'],
          stderr: 'error: failed to create configmap: configmaps "alpha" already exists',
        },
        {
          name: 'create -f of an existing object is AlreadyExists',
          args: ['create', '-f', '-'],
          stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: beta, namespace: read}\n',
          stderr:
            'Error from server (AlreadyExists): error when creating "STDIN": configmaps "beta" already exists',
        },
        {
          name: 'create in a namespace that does not exist is NotFound',
          args: ['create', '-f', '-'],
          stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lost, namespace: nowhere}\n',
          stderr:
            'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found',
        },
        {
          name: 'an invalid name is Invalid on metadata.name',
          args: ['create', '-f', '-'],
          stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: read}\n',
          stderr: `The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN_MESSAGE}`,
        },
        {
          name: 'an invalid data key is Invalid on data[key]',
          args: ['create', '-f', '-'],
          stdin:
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-key, namespace: read}\ndata: {"bad key": v}\n',
          stderr: `The ConfigMap "bad-key" is invalid: data[bad key]: Invalid value: "bad key": ${CONFIG_KEY_MESSAGE}`,
        },
        {
          // as kube: apiserver handlers/rest.go transformDecodeError over encoding/json's base64 error
          name: 'secret data that is not base64 is BadRequest',
          args: ['create', '-f', '-'],
          stdin:
            'apiVersion: v1\nkind: Secret\nmetadata: {name: bad64, namespace: read}\ndata: {k: "not-base64"}\n',
          stderr:
            'Error from server (BadRequest): error when creating "STDIN": Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
        },
        {
          name: 'a resource type the server does not have',
          args: ['get', 'flunders'],
          stderr: 'error: the server doesn\'t have a resource type "flunders"',
        },
      ];
      for (const c of cases) {
        it(c.name, async () => {
          const result = await suite.kubectl.fails(
            c.args,
            c.stdin === undefined ? {} : { stdin: c.stdin },
          );
          assert.equal(result.code, 1);
          assert.equal(result.stderr.trim(), c.stderr);
        });
      }
    });
  },
);
