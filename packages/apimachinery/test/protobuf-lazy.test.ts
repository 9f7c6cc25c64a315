import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(
  new URL('./fixtures/protobuf/kubectl-1.32/configmap-literals.pb', import.meta.url),
);

// A fresh process imports the package the way a host does and reports, step by step, how many
// protobufjs files Node's CommonJS loader has loaded (protobufjs is CommonJS only).
const script = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const cache = createRequire(process.cwd() + '/').cache;
const loaded = () => Object.keys(cache).filter((f) => f.includes('/node_modules/protobufjs/')).length;
const steps = {};
const kapi = await import('@kapi/apimachinery');
steps.import = loaded();
const body = new Uint8Array(readFileSync(${JSON.stringify(fixture)}));
kapi.encodeProtobufEnvelope('v1', 'ConfigMap', kapi.decodeProtobufEnvelope(body).raw);
kapi.encodeProtobufWatchFrame('ADDED', body);
const registry = new kapi.ProtobufRegistry().defineKind({ apiVersion: 'v1', kind: 'ConfigMap' },
  'k8s.io.api.core.v1.ConfigMap', { metadata: [1, 'ObjectMeta'], data: [2, 'map<string,string>'] });
registry.hasKind({ apiVersion: 'v1', kind: 'ConfigMap' });
await registry.decode(new TextEncoder().encode('{"kind":"ConfigMap"}')).catch(() => {});
steps.envelopeAndRegistration = loaded();
steps.decoded = (await registry.decode(body)).data;
steps.afterDecode = loaded();
console.log(JSON.stringify(steps));
`;

describe('protobufjs lazy loading', () => {
  it('is not loaded by importing @kapi/apimachinery, the envelope or registration; decode loads it', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@kapi/source', '--input-type=module', '-e', script],
      { cwd: repoRoot, timeout: 60_000 },
    );
    const steps = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      import: number;
      envelopeAndRegistration: number;
      decoded: unknown;
      afterDecode: number;
    };
    assert.equal(steps.import, 0, 'importing the package loads no protobufjs file');
    assert.equal(steps.envelopeAndRegistration, 0, 'envelope, framing and registration need none');
    assert.deepEqual(steps.decoded, { a: 'b', c: 'd' });
    assert.ok(steps.afterDecode > 0, 'the first decode loads protobufjs (so the probe can see it)');
  });
});
