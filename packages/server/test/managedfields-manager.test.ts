// The manager of a write (B4.2) and its identity key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fieldManagerOrUserAgent,
  managerFromUserAgent,
  managerIdentity,
} from '../src/managedfields/index.js';

describe('managerFromUserAgent', () => {
  const cases: { name: string; userAgent: string; manager: string }[] = [
    {
      name: 'takes the part before the first /',
      userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abc',
      manager: 'kubectl',
    },
    { name: 'keeps a UA without /', userAgent: 'curl', manager: 'curl' },
    { name: 'keeps spaces and punctuation', userAgent: 'My Tool (x)', manager: 'My Tool (x)' },
    { name: 'drops non-printable characters', userAgent: 'ku\tbe\u0000ctl/1', manager: 'kubectl' },
    { name: 'is empty for an empty UA', userAgent: '', manager: '' },
    { name: 'cuts at 128 bytes', userAgent: 'a'.repeat(200), manager: 'a'.repeat(128) },
    {
      name: 'never splits a character at the cut',
      userAgent: `${'a'.repeat(127)}é/1`,
      manager: 'a'.repeat(127),
    },
    { name: 'reads a latin1-decoded header as UTF-8', userAgent: 'cafÃ©/1.0', manager: 'café' },
    { name: 'keeps an already decoded string', userAgent: 'café-€/1', manager: 'café-€' },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.equal(managerFromUserAgent(tc.userAgent), tc.manager);
    });
  }
});

describe('fieldManagerOrUserAgent', () => {
  it('prefers fieldManager', () => {
    assert.equal(fieldManagerOrUserAgent('ctrl', 'kubectl/v1'), 'ctrl');
  });
  it('falls back to the User-Agent when fieldManager is absent or empty', () => {
    assert.equal(fieldManagerOrUserAgent(undefined, 'kubectl/v1'), 'kubectl');
    assert.equal(fieldManagerOrUserAgent('', 'kubectl/v1'), 'kubectl');
    assert.equal(fieldManagerOrUserAgent(undefined, undefined), '');
  });
});

describe('managerIdentity (B4.2)', () => {
  const cases: { name: string; entry: Parameters<typeof managerIdentity>[0]; key: string }[] = [
    {
      name: 'an Update carries its apiVersion',
      entry: { manager: 'ctrl', operation: 'Update', apiVersion: 'v1', subresource: 'status' },
      key: '{"manager":"ctrl","operation":"Update","apiVersion":"v1","subresource":"status"}',
    },
    {
      name: 'an Apply does not',
      entry: {
        manager: 'alice',
        operation: 'Apply',
        apiVersion: 'example.com/v2',
        subresource: '',
      },
      key: '{"manager":"alice","operation":"Apply"}',
    },
    {
      name: 'strings are escaped as Go encodes them',
      entry: { manager: 'a<b"', operation: 'Update', apiVersion: 'v1', subresource: '' },
      key: '{"manager":"a\\u003cb\\"","operation":"Update","apiVersion":"v1"}',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.equal(managerIdentity(tc.entry), tc.key);
    });
  }
});
