import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { encodeJsonBody, negotiateOutput } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import { writeJsonList, writeObject } from '../src/endpoints/codec.js';

/** A response that keeps what is written to it. */
function capture() {
  const out: { code: number; headers: Record<string, unknown>; body: Buffer } = {
    code: 0,
    headers: {},
    body: Buffer.alloc(0),
  };
  const res = {
    writeHead(code: number, headers: Record<string, unknown>) {
      out.code = code;
      out.headers = headers;
      return res;
    },
    end(body: Buffer) {
      out.body = body;
      return res;
    },
  };
  return { res: res as unknown as ServerResponse, out };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const item = (name: string, note: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: '7' },
  data: { note },
});

const json = negotiateOutput(undefined, {});

describe('encodings kept with frozen objects', () => {
  it('writes a list byte for byte as encoding it whole, frozen items or not', () => {
    // Go escapes <, >, & and U+2028/9 in JSON: each kept piece must carry them escaped
    const frozen = deepFreeze(item('a', '<b> & \u2028'));
    const plain = item('b', 'x > y');
    const list = {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '9', continue: 'tok<&>' },
      items: [frozen, plain, frozen],
    };
    for (let round = 0; round < 2; round++) {
      const { res, out } = capture();
      writeJsonList(res, 200, list);
      assert.equal(out.body.toString(), encodeJsonBody(list), `round ${round}`);
      assert.equal(out.headers['Content-Length'], out.body.length);
    }
    const empty = { ...list, items: [] };
    const { res, out } = capture();
    writeJsonList(res, 200, empty);
    assert.equal(out.body.toString(), encodeJsonBody(empty));
  });

  it('answers a frozen object from its kept body, and never keeps a mutable one', async () => {
    const frozen = deepFreeze(item('c', 'one'));
    const first = capture();
    await writeObject(first.res, 200, frozen, json, undefined, false, true);
    const second = capture();
    await writeObject(second.res, 200, frozen, json, undefined, false, true);
    assert.equal(second.out.body, first.out.body, 'the same kept buffer');
    assert.equal(first.out.body.toString(), encodeJsonBody(frozen));
    // the list reuses the same bytes, without the body's newline
    const listed = capture();
    writeJsonList(listed.res, 200, { kind: 'L', apiVersion: 'v1', metadata: {}, items: [frozen] });
    assert.equal(
      listed.out.body.toString(),
      encodeJsonBody({ kind: 'L', apiVersion: 'v1', metadata: {}, items: [frozen] }),
    );

    const mutable = item('d', 'before');
    const a = capture();
    await writeObject(a.res, 200, mutable, json, undefined, false, false);
    (mutable.data as Record<string, string>).note = 'after';
    const b = capture();
    await writeObject(b.res, 200, mutable, json, undefined, false, false);
    assert.match(b.out.body.toString(), /"note":"after"/);
    // pretty output is never taken from the compact kept body
    const pretty = capture();
    await writeObject(pretty.res, 200, frozen, json, undefined, true, true);
    assert.equal(pretty.out.body.toString(), encodeJsonBody(frozen, { pretty: true }));
  });
});
