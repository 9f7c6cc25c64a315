import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventPrinter } from '../src/core/event.js';
import { humanDuration, timestampSince } from '../src/printers.js';
import { startMiniKube } from './helpers.js';
import type { Json, TestMiniKube } from './helpers.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (kube HumanDuration)', () => {
  const cases: [ms: number, text: string][] = [
    [-3 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 12 * S, '3m12s'],
    [10 * M + 59 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [3 * D + 4 * H, '3d4h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D + 13 * D, '2y13d'],
    [8 * 365 * D + 13 * D, '8y'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → ${text}`, () => {
      assert.equal(humanDuration(ms), text);
    });
  }

  it('an unset or unreadable timestamp is <unknown>', () => {
    assert.equal(timestampSince(null, Date.now()), '<unknown>');
    assert.equal(timestampSince('not a time', Date.now()), '<unknown>');
  });
});

describe('event printer (kube printEvent)', () => {
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const involved = { kind: 'ConfigMap', name: 'cm', fieldPath: 'data' };
  const cases: { name: string; event: Json; cells: unknown[] }[] = [
    {
      name: 'an old-style event with a count',
      event: {
        involvedObject: involved,
        type: 'Warning',
        reason: 'Broken',
        message: '  spaced  ',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: ago(10 * D + H),
        lastTimestamp: ago(3 * D + 10 * M),
        count: 4,
      },
      cells: [
        '3d',
        'Warning',
        'Broken',
        'configmap/cm',
        'data',
        'kubelet, node-1',
        'spaced',
        '10d',
        4,
      ],
    },
    {
      name: 'a new-style event: eventTime and a series',
      event: {
        involvedObject: { kind: 'Node' },
        type: 'Normal',
        reason: 'Started',
        eventTime: ago(10 * D + H),
        series: { count: 7, lastObservedTime: ago(3 * D + 10 * M) },
        reportingComponent: 'ctrl',
        reportingInstance: 'ctrl-1',
      },
      cells: ['3d', 'Normal', 'Started', 'node', '', 'ctrl, ctrl-1', '', '10d', 7],
    },
    {
      name: 'a singleton without count counts once',
      event: { involvedObject: involved, firstTimestamp: ago(3 * D + 10 * M) },
      cells: ['3d', '', '', 'configmap/cm', 'data', '', '', '3d', 1],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [row] = eventPrinter.rows(
        [{ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, ...c.event }],
        'None',
      );
      assert.deepEqual(row!.cells, [...c.cells, 'e']);
      assert.equal(row!.object, undefined);
    });
  }

  it('declares kube columns, the wide ones at priority 1', () => {
    assert.deepEqual(
      eventPrinter.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ['Last Seen', 0],
        ['Type', 0],
        ['Reason', 0],
        ['Object', 0],
        ['Subobject', 1],
        ['Source', 1],
        ['Message', 0],
        ['First Seen', 1],
        ['Count', 1],
        ['Name', 1],
      ],
    );
  });
});

describe('tables served for kubectl get', () => {
  let kube: TestMiniKube;
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

  const cases: {
    resource: string;
    create: Json;
    columns: string[];
    cells: unknown[];
  }[] = [
    {
      resource: 'namespaces/default/configmaps',
      create: { kind: 'ConfigMap', data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } },
      columns: ['Name', 'Data', 'Age'],
      cells: ['printed', 3, /^\d+s$/],
    },
    {
      resource: 'namespaces/default/secrets',
      create: { kind: 'Secret', type: 'example.com/x', data: { a: 'AA==' } },
      columns: ['Name', 'Type', 'Data', 'Age'],
      cells: ['printed', 'example.com/x', 1, /^\d+s$/],
    },
    {
      resource: 'namespaces/default/serviceaccounts',
      create: { kind: 'ServiceAccount', secrets: [{ name: 'a' }, { name: 'b' }] },
      columns: ['Name', 'Secrets', 'Age'],
      cells: ['printed', 2, /^\d+s$/],
    },
    {
      resource: 'namespaces',
      create: { kind: 'Namespace' },
      columns: ['Name', 'Status', 'Age'],
      cells: ['printed', 'Active', /^\d+s$/],
    },
  ];
  for (const c of cases) {
    it(c.resource.split('/').pop() ?? c.resource, async () => {
      const created = await kube.call('POST', `/api/v1/${c.resource}`, {
        apiVersion: 'v1',
        metadata: { name: 'printed' },
        ...c.create,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const r = await kube.call('GET', `/api/v1/${c.resource}/printed`, undefined, {
        accept: TABLE,
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.kind, 'Table');
      assert.deepEqual(
        r.body.columnDefinitions.map((d: Json) => d.name),
        c.columns,
      );
      const cells = r.body.rows[0].cells as unknown[];
      assert.equal(cells.length, c.cells.length);
      c.cells.forEach((expected, i) => {
        if (expected instanceof RegExp) assert.match(String(cells[i]), expected);
        else assert.equal(cells[i], expected);
      });
      assert.equal(r.body.rows[0].object.kind, 'PartialObjectMetadata');
    });
  }
});
