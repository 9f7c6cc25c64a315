/**
 * The smoke set with every other kubectl build on the machine (1.27 … 1.33 beside 1.32, which
 * runs the full suite), and the machine's `kubectl` dispatcher, which picks its build from the
 * server's `/version`. A build that is missing is skipped with the reason.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { access, constants } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { findKubectl, FULL_SUITE_VERSION, Kubectl, KUBECTL_VERSIONS } from '../harness/kubectl.js';
import { MiniKube } from '../harness/mini-kube.js';

const versions = await Promise.all(
  KUBECTL_VERSIONS.filter((v) => v !== FULL_SUITE_VERSION).map(async (version) => ({
    version,
    binary: await findKubectl(version),
  })),
);

const DISPATCHER = '/usr/bin/kubectl';
const dispatcherSkip = await access(DISPATCHER, constants.X_OK).then(
  () => false as const,
  () => `no ${DISPATCHER} on this machine`,
);

/**
 * The smoke set: version, create, get -o yaml, apply (create, then change), explain, delete.
 * `minor` is the client minor the binary must report (the dispatcher's own build says "32+").
 */
async function smoke(kubectl: Kubectl, ns: string, minor: string): Promise<void> {
  const k = (args: string[], stdin?: string): Promise<string> =>
    stdin === undefined ? kubectl.ok(args) : kubectl.ok(args, { stdin });

  const info = JSON.parse(await k(['version', '-o', 'json']));
  assert.equal(String(info.clientVersion.minor).replace(/\+$/, ''), minor);
  assert.match(info.serverVersion.gitVersion, /^v1\.\d+\.\d+/);

  assert.equal(await k(['create', 'namespace', ns]), `namespace/${ns} created\n`);
  assert.equal(
    await k(['create', 'configmap', 'made', '-n', ns, '--from-literal=who=kubectl']),
    'configmap/made created\n',
  );
  const made = parseYaml(await k(['get', 'configmap', 'made', '-n', ns, '-o', 'yaml']));
  assert.equal(made.kind, 'ConfigMap');
  assert.equal(made.metadata.namespace, ns);
  assert.deepEqual(made.data, { who: 'kubectl' });

  const manifest = (v: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: ${ns}}\ndata: {v: "${v}"}\n`;
  assert.equal(await k(['apply', '-f', '-'], manifest('1')), 'configmap/applied created\n');
  assert.equal(await k(['apply', '-f', '-'], manifest('2')), 'configmap/applied configured\n');
  const applied = JSON.parse(await k(['get', 'cm', 'applied', '-n', ns, '-o', 'json']));
  assert.deepEqual(applied.data, { v: '2' });
  assert.ok(
    'kubectl.kubernetes.io/last-applied-configuration' in applied.metadata.annotations,
    JSON.stringify(applied.metadata),
  );

  const explained = await k(['explain', 'configmap.data']);
  assert.match(explained, /^KIND:\s+ConfigMap$/m);
  assert.match(explained, /^FIELD:\s+data\s+<map\[string\]string>$/m);

  assert.equal(await k(['delete', 'configmap', 'made', '-n', ns]), 'configmap "made" deleted\n');
  const gone = await kubectl.fails(['get', 'configmap', 'made', '-n', ns]);
  assert.equal(gone.stderr, 'Error from server (NotFound): configmaps "made" not found\n');
}

describe('kubectl smoke set across versions', { concurrency: 3 }, () => {
  let server: MiniKube;

  before(async () => {
    server = await MiniKube.start({ storage: 'memory' });
  });
  after(async () => {
    await server.stop();
  });

  /** Binds `binary` to the server for one test and removes its scratch dir after. */
  async function withKubectl(
    binary: string,
    body: (kubectl: Kubectl) => Promise<void>,
  ): Promise<void> {
    const kubectl = await Kubectl.create(binary, server.kubeconfigPath);
    try {
      await body(kubectl);
    } finally {
      await kubectl.close();
    }
  }

  for (const { version, binary } of versions) {
    it(`kubectl ${version}: the smoke set`, { skip: binary.skip ?? false }, () =>
      withKubectl(binary.path!, (kubectl) =>
        smoke(kubectl, `smoke-${version.replace('.', '-')}`, version.split('.')[1]!),
      ),
    );
  }

  // The dispatcher asks /version and execs kubectl.1.<minor>, or runs its own build when that is
  // the server's minor (as for mini-kube's 32); either way the client minor is the server's.
  it("the machine's kubectl (the dispatcher): the smoke set", { skip: dispatcherSkip }, () =>
    withKubectl(DISPATCHER, async (kubectl) => {
      const info = JSON.parse(await kubectl.ok(['version', '-o', 'json']));
      const serverMinor = String(info.serverVersion.minor).replace(/\+$/, '');
      await smoke(kubectl, 'smoke-dispatcher', serverMinor);
    }),
  );
});
