import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  PROTOBUF_MAGIC,
  ProtobufWatchFrameReader,
  StatusError,
  decodeProtobufEnvelope,
  decodeProtobufWatchEvent,
  encodeProtobufEnvelope,
  encodeProtobufWatchFrame,
  hasProtobufMagic,
} from '../src/index.js';
import {
  bytes,
  envelope,
  fixed32,
  fixed64,
  key,
  len,
  msg,
  str,
  vint,
} from './fixtures/protobuf/bytes.js';

const fixtureDir = new URL('./fixtures/protobuf/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', fixtureDir), 'utf8')) as {
  requests: { name: string }[];
};

function rejects400(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    if (typeof message === 'string') assert.equal(err.status.message, message);
    else assert.match(err.status.message ?? '', message);
    return true;
  });
}

describe('protobuf envelope', () => {
  it('writes the bytes Go writes (PROTOBUF.md annotated Secret request)', () => {
    const raw = Uint8Array.from([0x0a, 0x01, 0x73]);
    const expected = Uint8Array.from([
      0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0c, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x06, 0x53, 0x65, 0x63,
      0x72, 0x65, 0x74, 0x12, 0x03, 0x0a, 0x01, 0x73, 0x1a, 0x00, 0x22, 0x00,
    ]);
    assert.deepEqual(encodeProtobufEnvelope('v1', 'Secret', raw), expected);
  });

  for (const { name } of manifest.requests) {
    it(`opens and re-seals kubectl 1.32's ${name} body byte for byte`, () => {
      const body = new Uint8Array(readFileSync(new URL(`kubectl-1.32/${name}.pb`, fixtureDir)));
      const opened = decodeProtobufEnvelope(body);
      assert.match(opened.apiVersion, /^([a-z0-9.]+\/)?v1$/);
      assert.match(opened.kind, /^[A-Z]\w+$/);
      assert.ok(opened.raw.length > 0);
      assert.deepEqual(encodeProtobufEnvelope(opened.apiVersion, opened.kind, opened.raw), body);
    });
  }

  it('skips unknown fields of every wire type and ignores contentEncoding/contentType', () => {
    const body = bytes(
      [...PROTOBUF_MAGIC],
      vint(9, 300),
      fixed64(10, 7n),
      msg(1, str(2, 'Kind1'), vint(7, 1), str(1, 'g/v2')),
      fixed32(11, 1),
      len(2, [1, 2, 3]),
      str(3, 'gzip'),
      str(4, 'application/json'),
      len(12, [9, 9]),
    );
    const opened = decodeProtobufEnvelope(body);
    assert.deepEqual(
      { apiVersion: opened.apiVersion, kind: opened.kind, raw: [...opened.raw] },
      { apiVersion: 'g/v2', kind: 'Kind1', raw: [1, 2, 3] },
    );
  });

  it('leaves apiVersion and kind empty when the sender leaves out typeMeta', () => {
    const opened = decodeProtobufEnvelope(bytes([...PROTOBUF_MAGIC], len(2, [8, 1])));
    assert.deepEqual(
      { apiVersion: opened.apiVersion, kind: opened.kind, raw: [...opened.raw] },
      { apiVersion: '', kind: '', raw: [8, 1] },
    );
  });

  const magic = [...PROTOBUF_MAGIC];
  const bad: { name: string; body: Uint8Array; message: string | RegExp }[] = [
    { name: 'empty body', body: new Uint8Array(0), message: 'empty data' },
    {
      name: 'JSON instead of protobuf',
      body: new Uint8Array(Buffer.from('{"kind":"ConfigMap"}')),
      message:
        'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    },
    {
      name: 'shorter than the magic',
      body: Uint8Array.from([0x6b, 0x38]),
      message: /does not appear to be a protobuf message/,
    },
    {
      name: 'magic with another encoding style',
      body: Uint8Array.from([0x6b, 0x38, 0x73, 0x01, 0x0a, 0x00]),
      message: /does not appear to be a protobuf message/,
    },
    { name: 'only the magic', body: Uint8Array.from(magic), message: 'empty body' },
    {
      name: 'length beyond the end',
      body: bytes(magic, key(2, 2), [10, 1, 2]),
      message: 'unexpected EOF',
    },
    { name: 'truncated varint', body: bytes(magic, key(9, 0), [0x80]), message: 'unexpected EOF' },
    {
      name: 'typeMeta with the wrong wire type',
      body: bytes(magic, vint(1, 5)),
      message: 'proto: wrong wireType = 0 for field TypeMeta',
    },
    {
      name: 'kind with the wrong wire type',
      body: bytes(magic, msg(1, vint(2, 1))),
      message: 'proto: wrong wireType = 0 for field Kind',
    },
    { name: 'field number 0', body: bytes(magic, [0x02, 0x00]), message: /illegal tag 0/ },
    { name: 'start group', body: bytes(magic, key(5, 3)), message: 'proto: illegal wireType 3' },
    { name: 'end group', body: bytes(magic, key(5, 4)), message: 'proto: illegal wireType 4' },
    {
      name: 'eleven-byte varint',
      body: bytes(magic, key(9, 0), new Array<number>(10).fill(0xff), [0x01]),
      message: 'proto: integer overflow',
    },
  ];
  for (const { name, body, message } of bad) {
    it(`rejects ${name} with 400 BadRequest`, () => {
      rejects400(() => decodeProtobufEnvelope(body), message);
    });
  }

  it('never crashes on random bytes after the magic: it decodes or answers 400', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        const body = bytes(magic, [...tail]);
        try {
          decodeProtobufEnvelope(body);
        } catch (err) {
          assert.ok(err instanceof StatusError && err.code === 400, String(err));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('recognises the magic', () => {
    assert.equal(hasProtobufMagic(envelope('v1', 'X', [])), true);
    assert.equal(hasProtobufMagic(Uint8Array.from([0x6b, 0x38, 0x73])), false);
    assert.equal(hasProtobufMagic(new Uint8Array(Buffer.from('k8s{}'))), false);
  });
});

describe('protobuf watch framing', () => {
  it('frames a WatchEvent as Go does: big-endian length, {1: type, 2: {1: envelope}}', () => {
    const frame = encodeProtobufWatchFrame('ADDED', Uint8Array.from([1, 2, 3]));
    const event = [...str(1, 'ADDED'), ...msg(2, len(1, [1, 2, 3]))];
    assert.deepEqual(frame, bytes([0, 0, 0, event.length], event));
  });

  it('decodes the event it framed, and skips unknown fields', () => {
    const object = envelope('v1', 'Status', [0x12, 0x07, ...Buffer.from('Failure')]);
    const frame = encodeProtobufWatchFrame('ERROR', object);
    const decoded = decodeProtobufWatchEvent(frame.subarray(4));
    assert.equal(decoded.type, 'ERROR');
    assert.deepEqual(decoded.object, object);
    const withExtras = bytes(vint(7, 1), str(1, 'DELETED'), msg(2, vint(3, 1), len(1, [5])));
    assert.deepEqual(
      { ...decodeProtobufWatchEvent(withExtras), object: [5] },
      { type: 'DELETED', object: [5] },
    );
  });

  it('rejects a malformed WatchEvent with 400', () => {
    rejects400(
      () => decodeProtobufWatchEvent(bytes(vint(1, 3))),
      /wrong wireType = 0 for field Type/,
    );
    rejects400(() => decodeProtobufWatchEvent(bytes(key(2, 2), [9])), 'unexpected EOF');
  });

  it('splits a stream into the same messages however it is chunked', () => {
    const eventArb = fc.record({
      type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'),
      object: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 6 }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 10 }),
        (events, cuts) => {
          const stream = Buffer.concat(
            events.map((e) => encodeProtobufWatchFrame(e.type, e.object)),
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const reader = new ProtobufWatchFrameReader();
          const got: Uint8Array[] = [];
          let from = 0;
          for (const at of [...points, stream.length]) {
            got.push(...reader.push(stream.subarray(from, at)));
            from = at;
          }
          reader.end();
          assert.equal(reader.buffered, 0);
          assert.deepEqual(
            got.map((m) => decodeProtobufWatchEvent(m)),
            events.map((e) => ({ type: e.type, object: e.object })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a stream that ends inside a frame (400) and a frame over the limit (413)', () => {
    const frame = encodeProtobufWatchFrame('ADDED', Uint8Array.from([1, 2, 3, 4]));
    const reader = new ProtobufWatchFrameReader();
    assert.deepEqual(reader.push(frame.subarray(0, 6)), []);
    assert.equal(reader.buffered, 6);
    rejects400(() => {
      reader.end();
    }, 'watch stream ended inside a frame (6 bytes left over)');

    const small = new ProtobufWatchFrameReader({ maxFrameBytes: 8 });
    assert.throws(
      () => small.push(frame),
      (err: unknown) => err instanceof StatusError && err.code === 413,
    );
  });
});
