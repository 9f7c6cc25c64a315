import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeGoBase64 } from '../src/core/bytes.js';

describe("decodeGoBase64 (Go's base64.StdEncoding.Decode)", () => {
  // offsets as Go's CorruptInputError reports them (encoding/base64 decodeQuantum)
  const cases: { name: string; input: string; bytes?: string; corruptAt?: number }[] = [
    { name: 'empty', input: '', bytes: '' },
    { name: 'one quantum', input: 'YWJj', bytes: 'abc' },
    { name: 'two padding characters', input: 'YQ==', bytes: 'a' },
    { name: 'one padding character', input: 'YWI=', bytes: 'ab' },
    { name: 'line breaks anywhere', input: 'YW\nJj\r\nZA=\n=', bytes: 'abcd' },
    { name: 'an illegal character', input: 'admin!', corruptAt: 5 },
    { name: 'an illegal character first', input: '!YWJj', corruptAt: 0 },
    { name: 'a space', input: 'YW Jj', corruptAt: 2 },
    { name: 'URL-safe alphabet', input: 'a-_b', corruptAt: 1 },
    { name: 'missing padding (two left)', input: 'YWJjZA', corruptAt: 4 },
    { name: 'missing padding (three left)', input: 'YWJjZGU', corruptAt: 4 },
    { name: 'a single character left', input: 'YWJjZ', corruptAt: 4 },
    { name: 'padding too early', input: 'Y===', corruptAt: 1 },
    { name: 'padding first', input: '====', corruptAt: 0 },
    { name: 'half of a double padding', input: 'YQ=', corruptAt: 3 },
    { name: 'a double padding broken by a character', input: 'YQ=x', corruptAt: 2 },
    { name: 'data after the padding', input: 'YQ==YWJj', corruptAt: 4 },
    { name: 'newlines then data after the padding', input: 'YWI=\n\nx', corruptAt: 6 },
    { name: 'a multi-byte character counts its bytes', input: 'YW\u00e9Jj', corruptAt: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = decodeGoBase64(c.input);
      if (c.corruptAt !== undefined) {
        assert.deepEqual(result, { corruptAt: c.corruptAt });
      } else {
        assert.ok('bytes' in result, JSON.stringify(result));
        assert.equal(result.bytes.toString('latin1'), c.bytes);
      }
    });
  }

  it('decodes whatever standard base64 encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const result = decodeGoBase64(Buffer.from(data).toString('base64'));
        assert.ok('bytes' in result);
        assert.deepEqual(new Uint8Array(result.bytes), data);
      }),
    );
  });

  it('never reports an offset beyond the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('A', 'b', '+', '=', '\n', '-', '/', '9') }),
        (s) => {
          const result = decodeGoBase64(s);
          if ('corruptAt' in result) {
            assert.ok(result.corruptAt >= 0 && result.corruptAt <= Buffer.byteLength(s));
          }
        },
      ),
    );
  });
});
