import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { requestURL } from '../src/request-url.js';

const request = (url: string) => ({ url }) as unknown as IncomingMessage;

/** The WHATWG parser's reading of a request target (origin-form ones as paths, as Go reads them). */
function whatwg(url: string) {
  const parsed = url.startsWith('/')
    ? new URL(`http://request.invalid${url}`)
    : new URL(url, 'http://request.invalid');
  return { pathname: parsed.pathname, query: [...parsed.searchParams] };
}

describe('requestURL', () => {
  it('reads paths and queries exactly as the WHATWG parser does', () => {
    const cases = [
      '/api/v1/namespaces/default/configmaps/one',
      '/apis/apps.example.com/v1/things?watch=1&labelSelector=a%3Db',
      '/api/v1/namespaces/a/../b/configmaps',
      '/api/v1/./namespaces',
      '/api/v1/%2e%2E/x',
      '/api/v1/na mes?x=a b',
      '/api/v1\\namespaces',
      '/a?b#frag',
      '/caf\u00e9/\u{1F600}?q=\u00e9',
      '//double//slashes/',
      '/x?',
      'http://other.host/abs/path?q=1',
      '*',
      '/x/"quoted"/<angle>/{brace}/`tick`/^caret/|pipe',
    ];
    for (const url of cases) {
      const got = requestURL(request(url));
      assert.deepEqual({ pathname: got.pathname, query: [...got.searchParams] }, whatwg(url), url);
    }
  });

  it('agrees with the WHATWG parser on arbitrary request targets', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#\\ "<>{}`^|é.\t\n]{0,12}$/);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), (parts) => {
        const url = '/' + parts.join('/');
        const got = requestURL(request(url));
        assert.deepEqual({ pathname: got.pathname, query: [...got.searchParams] }, whatwg(url));
      }),
      { numRuns: 5000 },
    );
  });

  it('parses once per request', () => {
    const req = request('/api/v1/pods?limit=5');
    const first = requestURL(req);
    assert.equal(requestURL(req), first);
    assert.equal(first.searchParams, first.searchParams);
    assert.equal(first.searchParams.get('limit'), '5');
  });
});
