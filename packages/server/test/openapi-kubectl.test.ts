/**
 * The OpenAPI documents against the real kubectl: `explain` over OpenAPI v2 protobuf (kubectl
 * 1.28, which older kubectl shares) and over OpenAPI v3 (kubectl 1.32), and the field-validation
 * probe reading the v2 protobuf paths.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIHandler } from '../src/openapi/index.js';
import { startServer, type TestServer } from './fixtures/openapi/http.js';
import { testGroups, testScheme, WARDLE } from './fixtures/openapi/scheme.js';

const run = promisify(execFile);
const KUBECTL_DIR = process.env.KAPI_KUBECTL_DIR ?? '/usr/lib/google-cloud-sdk/bin';
const KUBECTL_128 = join(KUBECTL_DIR, 'kubectl.1.28');
const KUBECTL_132 = join(KUBECTL_DIR, 'kubectl.1.32');
/** kubectl 1.20 is not installed by default; point this at one (e.g. Debian's) to run its case. */
const KUBECTL_120 = process.env.KAPI_KUBECTL_1_20;
const PB = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

async function executable(path: string | undefined): Promise<boolean> {
  if (path === undefined) return false;
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const has128 = await executable(KUBECTL_128);
const has132 = await executable(KUBECTL_132);
const has120 = await executable(KUBECTL_120);

const FLUNDER_MANIFEST = `apiVersion: ${WARDLE}/v1alpha1
kind: Flunder
metadata:
  name: x
  namespace: default
spec:
  reference: foo
  bogus: 1
`;

describe('OpenAPI with the real kubectl', () => {
  const scheme = testScheme();
  const groups = testGroups(scheme);
  let server: TestServer;
  let dir: string;
  let kubeconfig: string;
  let runs = 0;

  before(async () => {
    server = await startServer(new OpenAPIHandler(scheme, groups), groups);
    dir = await mkdtemp(join(tmpdir(), 'kapi-openapi-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, '');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs kubectl against the test server with a fresh cache; resolves stdout, or stderr on failure. */
  async function kubectl(binary: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
    const cache = join(dir, `cache-${runs++}`);
    try {
      const { stdout } = await run(binary, ['--cache-dir', cache, '-s', server.url, ...args], {
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig },
      });
      return { ok: true, out: stdout };
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
    }
  }

  function assertLines(out: string, expected: readonly string[]): void {
    for (const line of expected)
      assert.ok(out.includes(line), `missing ${JSON.stringify(line)} in:\n${out}`);
  }

  const skip128 = has128 ? false : `kubectl 1.28 not found at ${KUBECTL_128}`;
  const skip132 = has132 ? false : `kubectl 1.32 not found at ${KUBECTL_132}`;

  it(
    'kubectl 1.28 explains a kind recursively from the v2 protobuf document',
    { skip: skip128 },
    async () => {
      server.log.length = 0;
      const { ok, out } = await kubectl(
        KUBECTL_128,
        'explain',
        'flunders',
        `--api-version=${WARDLE}/v1alpha1`,
        '--output=plaintext-openapiv2',
        '--recursive',
      );
      assert.ok(ok, out);
      assertLines(out, [
        'KIND:     Flunder',
        `VERSION:  ${WARDLE}/v1alpha1`,
        'A Flunder is a made-up object for the wardle sample.',
        '   metadata\t<Object>',
        '      ownerReferences\t<[]Object>',
        '   spec\t<Object>',
        '      containers\t<[]Object>',
        '         image\t<string>',
        '      selector\t<Object>',
        '         matchLabels\t<map[string]string>',
        '   status\t<Object>',
        '      conditions\t<[]Object>',
      ]);
      assert.ok(
        server.log.some((r) => r.url.startsWith('/openapi/v2') && r.accept === PB),
        'kubectl fetched the protobuf document',
      );
    },
  );

  it('kubectl 1.28 explains a field with its descriptions from v2', { skip: skip128 }, async () => {
    const { ok, out } = await kubectl(
      KUBECTL_128,
      'explain',
      'flunders.spec',
      `--api-version=${WARDLE}/v1alpha1`,
      '--output=plaintext-openapiv2',
    );
    assert.ok(ok, out);
    assertLines(out, [
      'RESOURCE: spec <Object>',
      'The desired state of the Flunder.',
      'What a Flunder wants.',
      '   reference\t<string> -required-',
      '     The name of another Flunder or Fischer.',
      '   containers\t<[]Object>',
      '     The containers, merged by name.',
    ]);
  });

  it('kubectl 1.28 explains a core kind from v2', { skip: skip128 }, async () => {
    const { ok, out } = await kubectl(
      KUBECTL_128,
      'explain',
      'configmaps',
      '--output=plaintext-openapiv2',
    );
    assert.ok(ok, out);
    assertLines(out, [
      'KIND:     ConfigMap',
      'VERSION:  v1',
      'ConfigMap holds configuration data for pods to consume.',
      '   data\t<map[string]string>',
      '     Data contains the configuration data.',
      '   metadata\t<Object>',
    ]);
  });

  it(
    'kubectl 1.28 finds fieldValidation in the v2 protobuf paths when there is no v3',
    { skip: skip128 },
    async () => {
      const manifest = join(dir, 'flunder.yaml');
      await writeFile(manifest, FLUNDER_MANIFEST);
      server.log.length = 0;
      server.hideV3 = true;
      try {
        // without the parameter kubectl would validate client-side and reject `bogus`
        const { ok, out } = await kubectl(
          KUBECTL_128,
          'create',
          '--dry-run=client',
          '-f',
          manifest,
          '-o',
          'name',
        );
        assert.ok(ok, out);
        assert.equal(out.trim(), `flunder.${WARDLE}/x`);
        assert.ok(server.log.some((r) => r.url.startsWith('/openapi/v2') && r.accept === PB));
      } finally {
        server.hideV3 = false;
      }
    },
  );

  it('kubectl 1.32 explains a field from the v3 document', { skip: skip132 }, async () => {
    server.log.length = 0;
    const { ok, out } = await kubectl(
      KUBECTL_132,
      'explain',
      'flunders.spec',
      `--api-version=${WARDLE}/v1alpha1`,
    );
    assert.ok(ok, out);
    assertLines(out, [
      `GROUP:      ${WARDLE}`,
      'KIND:       Flunder',
      'VERSION:    v1alpha1',
      'FIELD: spec <FlunderSpec>',
      'The desired state of the Flunder.',
      'What a Flunder wants.',
      '  containers\t<[]Container>',
      '  reference\t<string> -required-',
      '    The name of another Flunder or Fischer.',
      '  referenceType\t<string>',
      '  enum: Flunder, Fischer, no',
      '  selector\t<LabelSelector>',
    ]);
    assert.ok(
      server.log.some((r) => r.url.startsWith(`/openapi/v3/apis/${WARDLE}/v1alpha1?hash=`)),
      'kubectl fetched the group version by hash',
    );
  });

  it('kubectl 1.32 explains a core kind recursively from v3', { skip: skip132 }, async () => {
    const { ok, out } = await kubectl(KUBECTL_132, 'explain', 'configmaps', '--recursive');
    assert.ok(ok, out);
    assertLines(out, [
      'KIND:       ConfigMap',
      'VERSION:    v1',
      'ConfigMap holds configuration data for pods to consume.',
      '  binaryData\t<map[string]string>',
      '  metadata\t<ObjectMeta>',
      '    managedFields\t<[]ManagedFieldsEntry>',
      '    ownerReferences\t<[]OwnerReference>',
    ]);
  });

  it(
    'kubectl 1.20 validates manifests client-side against the v2 protobuf definitions',
    { skip: has120 ? false : 'set KAPI_KUBECTL_1_20 to a kubectl 1.20 binary to run this case' },
    async () => {
      const manifest = join(dir, 'flunder-120.yaml');
      await writeFile(manifest, FLUNDER_MANIFEST);
      const bad = await kubectl(
        KUBECTL_120!,
        'create',
        '--dry-run=client',
        '-f',
        manifest,
        '-o',
        'name',
      );
      assert.equal(bad.ok, false);
      assert.match(bad.out, /unknown field "bogus" in com\.example\.wardle\.v1alpha1\.FlunderSpec/);
      await writeFile(manifest, FLUNDER_MANIFEST.replace('  bogus: 1\n', ''));
      const good = await kubectl(
        KUBECTL_120!,
        'create',
        '--dry-run=client',
        '-f',
        manifest,
        '-o',
        'name',
      );
      assert.ok(good.ok, good.out);
    },
  );
});
