import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@kapi/apimachinery';
import {
  columnsTableConvertor,
  compileJsonPath,
  defaultTableConvertor,
  humanDuration,
  toTable,
} from '../src/index.js';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'ns',
    creationTimestamp: '2024-01-02T03:04:05Z',
    labels: { a: 'b' },
  },
  spec: {
    replicas: 3,
    containers: [
      { name: 'main', image: 'nginx' },
      { name: 'side', image: 'envoy' },
    ],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Scheduled', status: 'False' },
    ],
  },
};

describe('JSONPath subset', () => {
  const cases: [string, unknown[]][] = [
    ['.spec.replicas', [3]],
    ['{.spec.replicas}', [3]],
    ['.metadata.labels.a', ['b']],
    ["['metadata']['name']", ['p']],
    ['.spec.containers[0].image', ['nginx']],
    ['.spec.containers[-1].name', ['side']],
    ['.spec.containers[*].name', ['main', 'side']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.status.conditions[?(@.status!="True")].type', ['Scheduled']],
    ['.spec.missing', []],
    ['.spec.containers[5].name', []],
  ];
  for (const [path, want] of cases) {
    it(path, () => {
      assert.deepEqual(compileJsonPath(path).evaluate(pod), want);
    });
  }
  it('rejects what it cannot read', () => {
    assert.throws(() => compileJsonPath('..spec'));
    assert.throws(() => compileJsonPath('.spec[abc]'));
  });
});

describe('Table', () => {
  it('prints kube default columns with PartialObjectMetadata rows', () => {
    const table = toTable(defaultTableConvertor, [pod], { resourceVersion: '7' }, 'Metadata');
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type, c.format]),
      [
        ['Name', 'string', 'name'],
        ['Created At', 'date', ''],
      ],
    );
    assert.deepEqual(table.rows[0]?.cells, ['p', '2024-01-02T03:04:05Z']);
    assert.deepEqual(table.rows[0]?.object, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    assert.deepEqual(table.metadata, { resourceVersion: '7' });
  });

  it('prints declared columns, the full object or none, and omits column definitions on request', () => {
    const convertor = columnsTableConvertor([
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Images', type: 'string', jsonPath: '.spec.containers[*].image', priority: 1 },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
    ]);
    const full = toTable(convertor, [pod], {}, 'Object');
    assert.deepEqual(
      full.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ['Name', 0],
        ['Replicas', 0],
        ['Images', 1],
        ['Ready', 0],
        ['Missing', 0],
      ],
    );
    assert.deepEqual(full.rows[0]?.cells, ['p', 3, 'nginx', 'True', null]);
    assert.equal(full.rows[0]?.object, pod);
    const bare = toTable(convertor, [pod], {}, 'None', false);
    assert.equal(bare.rows[0]?.object, undefined);
    assert.deepEqual(bare.columnDefinitions, []);
  });
});

describe('printer-column cells as kube computes them', () => {
  it('prints dates as ages and drops values of the wrong type', () => {
    const created = new Date(Date.now() - 5 * 60 * 1000 - 3000).toISOString();
    const convertor = columnsTableConvertor([
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Bad', type: 'integer', jsonPath: '.metadata.name' },
      { name: 'Broken', type: 'date', jsonPath: '.spec.when' },
    ]);
    const obj = {
      ...pod,
      metadata: { ...pod.metadata, creationTimestamp: created },
      spec: { when: 'not a time' },
    };
    assert.deepEqual(convertor.rows([obj], 'None')[0]?.cells, ['p', '5m3s', null, '<invalid>']);
  });

  const durations: [number, string][] = [
    [-5000, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [185_000, '3m5s'],
    [15 * 60_000, '15m'],
    [179 * 60_000, '179m'],
    [3 * 3_600_000, '3h'],
    [5 * 3_600_000 + 20 * 60_000, '5h20m'],
    [30 * 3_600_000, '30h'],
    [52 * 3_600_000, '2d4h'],
    [72 * 3_600_000, '3d'],
    [30 * 86_400_000, '30d'],
    [(2 * 365 + 30) * 86_400_000, '2y30d'],
    [9 * 365 * 86_400_000, '9y'],
  ];
  for (const [ms, want] of durations) {
    it(`${ms} ms → ${want}`, () => {
      assert.equal(humanDuration(ms), want);
    });
  }
});
