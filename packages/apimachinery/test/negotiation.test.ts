import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  discoveryTransforms,
  findOutputMediaType,
  isPrettyPrint,
  mediaTypeWithTarget,
  negotiateInput,
  negotiateOutput,
  parseAccept,
  parseContentType,
  PATCH_MEDIA_TYPES,
  resourceTransforms,
  StatusError,
  type GroupVersionKind,
  type OutputNegotiationOptions,
} from '../src/index.js';

const JSON_TYPE = 'application/json';
const YAML_TYPE = 'application/yaml';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

// the Accept headers real clients send (shared/CLIENTS.md)
const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const KUBECTL_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const KUBECTL_127_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const KUBECTL_132_TYPED = 'application/vnd.kubernetes.protobuf,application/json';
const KUBECTL_OPENAPI_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const CLIENT_NODE = 'application/json, */*;q=0.8';

const table = (version: string): GroupVersionKind => ({
  group: 'meta.k8s.io',
  version,
  kind: 'Table',
});

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('negotiateOutput', () => {
  const withTable: OutputNegotiationOptions = {
    allowsTransform: resourceTransforms({ table: true }),
  };
  const resource: OutputNegotiationOptions = { allowsTransform: resourceTransforms() };
  const cases: {
    name: string;
    accept: string | undefined;
    options?: OutputNegotiationOptions;
    mediaType: string;
    target?: GroupVersionKind;
    pretty?: boolean;
    contentType?: string;
  }[] = [
    { name: 'no Accept header', accept: undefined, mediaType: JSON_TYPE },
    { name: 'empty Accept header', accept: '', mediaType: JSON_TYPE },
    { name: 'anything', accept: '*/*', mediaType: JSON_TYPE },
    { name: 'a bare *', accept: '*', mediaType: JSON_TYPE },
    { name: 'any application type', accept: 'application/*', mediaType: JSON_TYPE },
    { name: 'YAML', accept: YAML_TYPE, mediaType: YAML_TYPE },
    { name: 'protobuf', accept: PROTOBUF, mediaType: PROTOBUF },
    {
      name: 'kubectl get, with a table convertor',
      accept: KUBECTL_GET,
      options: withTable,
      mediaType: JSON_TYPE,
      target: table('v1'),
    },
    {
      name: 'kubectl get, without a table convertor',
      accept: KUBECTL_GET,
      options: resource,
      mediaType: JSON_TYPE,
    },
    { name: 'kubectl get, default restrictions', accept: KUBECTL_GET, mediaType: JSON_TYPE },
    {
      name: 'Table v1beta1 only',
      accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
      options: withTable,
      mediaType: JSON_TYPE,
      target: table('v1beta1'),
    },
    {
      name: 'Table as YAML',
      accept: 'application/yaml;as=Table;v=v1;g=meta.k8s.io',
      options: withTable,
      mediaType: YAML_TYPE,
      target: table('v1'),
    },
    {
      name: 'Table is never protobuf',
      accept: `${PROTOBUF};as=Table;v=v1;g=meta.k8s.io, ${PROTOBUF}`,
      options: withTable,
      mediaType: PROTOBUF,
    },
    {
      name: 'PartialObjectMetadataList in protobuf',
      accept: `${PROTOBUF};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,${JSON_TYPE}`,
      options: resource,
      mediaType: PROTOBUF,
      target: { group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadataList' },
    },
    {
      name: 'PartialObjectMetadata refused when the caller says so',
      accept: `${JSON_TYPE};as=PartialObjectMetadata;g=meta.k8s.io;v=v1,${YAML_TYPE}`,
      options: { allowsTransform: resourceTransforms({ partialObjectMetadata: false }) },
      mediaType: YAML_TYPE,
    },
    {
      name: 'a target without group and version is refused',
      accept: `${JSON_TYPE};as=Table, ${YAML_TYPE}`,
      options: withTable,
      mediaType: YAML_TYPE,
    },
    {
      name: 'an unknown target kind is refused',
      accept: `${JSON_TYPE};as=Deployment;g=apps;v=v1, ${YAML_TYPE}`,
      options: withTable,
      mediaType: YAML_TYPE,
    },
    {
      name: 'quoted parameter values',
      accept: 'application/json;as="Table";g="meta.k8s.io";v="v1"',
      options: withTable,
      mediaType: JSON_TYPE,
      target: table('v1'),
    },
    {
      name: 'kubectl 1.32 aggregated discovery',
      accept: KUBECTL_DISCOVERY,
      options: { allowsTransform: discoveryTransforms },
      mediaType: JSON_TYPE,
      target: { group: 'apidiscovery.k8s.io', version: 'v2', kind: 'APIGroupDiscoveryList' },
    },
    {
      name: 'kubectl 1.27 aggregated discovery (v2beta1 only)',
      accept: KUBECTL_127_DISCOVERY,
      options: { allowsTransform: discoveryTransforms },
      mediaType: JSON_TYPE,
      target: { group: 'apidiscovery.k8s.io', version: 'v2beta1', kind: 'APIGroupDiscoveryList' },
    },
    {
      name: 'aggregated discovery in protobuf',
      accept: `${PROTOBUF};g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${JSON_TYPE}`,
      options: { allowsTransform: discoveryTransforms },
      mediaType: PROTOBUF,
      target: { group: 'apidiscovery.k8s.io', version: 'v2', kind: 'APIGroupDiscoveryList' },
    },
    {
      name: 'kubectl discovery on a plain endpoint',
      accept: KUBECTL_DISCOVERY,
      mediaType: JSON_TYPE,
    },
    { name: 'kubectl 1.32 typed client', accept: KUBECTL_132_TYPED, mediaType: PROTOBUF },
    {
      name: 'kubectl 1.32 typed client on an endpoint without protobuf',
      accept: KUBECTL_132_TYPED,
      options: { mediaTypes: [JSON_TYPE, YAML_TYPE] },
      mediaType: JSON_TYPE,
    },
    { name: 'client-node', accept: CLIENT_NODE, mediaType: JSON_TYPE },
    { name: 'python client', accept: 'application/json', mediaType: JSON_TYPE },
    {
      name: 'higher q wins',
      accept: 'application/yaml;q=0.5, application/json;q=0.9',
      mediaType: JSON_TYPE,
    },
    {
      name: 'order breaks ties',
      accept: 'application/yaml, application/json',
      mediaType: YAML_TYPE,
    },
    {
      name: 'q defaults to 1',
      accept: 'application/json;q=0.9, application/yaml',
      mediaType: YAML_TYPE,
    },
    {
      name: 'specific before wildcard at equal q',
      accept: '*/*, application/*, application/yaml',
      mediaType: YAML_TYPE,
    },
    {
      name: 'unserved types are skipped',
      accept: 'text/html, application/xml;q=0.9, application/*;q=0.2',
      mediaType: JSON_TYPE,
    },
    { name: 'q=0 refuses a type', accept: 'application/json;q=0, */*', mediaType: YAML_TYPE },
    {
      name: 'q=0 on a wildcard refuses only what is less specific',
      accept: 'application/*;q=0, application/yaml;q=0.1',
      mediaType: YAML_TYPE,
    },
    {
      name: 'case-insensitive type and parameter names',
      accept: 'Application/YAML;Q=0.4, APPLICATION/JSON;q=0.3',
      mediaType: YAML_TYPE,
    },
    {
      name: 'whitespace everywhere',
      accept: '  application/json ; q=0.5 ,\tapplication/yaml ;q=0.6 ',
      mediaType: YAML_TYPE,
    },
    {
      name: 'malformed ranges are skipped',
      accept: 'application, a/b/c, /json, application/yaml',
      mediaType: YAML_TYPE,
    },
    { name: 'pretty=1', accept: 'application/json;pretty=1', mediaType: JSON_TYPE, pretty: true },
    { name: 'pretty=0', accept: 'application/json;pretty=0', mediaType: JSON_TYPE, pretty: false },
    {
      name: 'a server version is refused',
      accept: 'application/json;sv=v1, application/yaml',
      mediaType: YAML_TYPE,
    },
    {
      name: 'stream=watch is fine on JSON',
      accept: 'application/json;stream=watch',
      mediaType: JSON_TYPE,
    },
    {
      name: 'YAML cannot stream',
      accept: 'application/yaml;stream=watch, application/json',
      mediaType: JSON_TYPE,
    },
    {
      name: 'other stream schemas are refused',
      accept: 'application/json;stream=events, application/yaml',
      mediaType: YAML_TYPE,
    },
    {
      name: 'watch: client-node sends */*',
      accept: '*/*',
      options: { stream: true },
      mediaType: JSON_TYPE,
      contentType: JSON_TYPE,
    },
    {
      name: 'watch: JSON stays application/json',
      accept: 'application/json;stream=watch',
      options: { stream: true },
      mediaType: JSON_TYPE,
      contentType: JSON_TYPE,
    },
    {
      name: 'watch: protobuf is framed',
      accept: `${PROTOBUF};stream=watch`,
      options: { stream: true },
      mediaType: PROTOBUF,
      contentType: `${PROTOBUF};stream=watch`,
    },
    {
      name: 'watch of a Table (kubectl get -w)',
      accept: KUBECTL_GET,
      options: { stream: true, allowsTransform: resourceTransforms({ table: true }) },
      mediaType: JSON_TYPE,
      target: table('v1'),
      contentType: JSON_TYPE,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = negotiateOutput(c.accept, c.options);
      assert.equal(got.mediaType, c.mediaType);
      assert.deepEqual(got.target, c.target ?? null);
      assert.equal(got.pretty, c.pretty ?? false);
      assert.equal(got.contentType, c.contentType ?? c.mediaType);
    });
  }

  const refused: {
    name: string;
    accept: string;
    options?: OutputNegotiationOptions;
    message: string;
  }[] = [
    {
      name: 'an unserved type',
      accept: 'text/html',
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'kubectl asking for OpenAPI v2 protobuf',
      accept: KUBECTL_OPENAPI_V2,
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'q=0 on the only type',
      accept: 'application/json;q=0',
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'q=0 on everything',
      accept: '*/*;q=0',
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'an unparsable q weighs 0',
      accept: 'application/json;q=high',
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'only a refused target',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    },
    {
      name: 'the endpoint list is what is offered',
      accept: PROTOBUF,
      options: { mediaTypes: [JSON_TYPE, YAML_TYPE] },
      message: 'only the following media types are accepted: application/json, application/yaml',
    },
    {
      name: 'a watch in YAML',
      accept: 'application/yaml',
      options: { stream: true },
      message:
        'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
    },
    {
      name: 'a watch of an unserved type',
      accept: 'text/plain',
      options: { stream: true },
      message:
        'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
    },
  ];
  for (const c of refused) {
    it(`406 for ${c.name}`, () => {
      const err = statusOf(() => negotiateOutput(c.accept, c.options));
      assert.equal(err.code, 406);
      assert.equal(err.reason, 'NotAcceptable');
      assert.equal(err.status.message, c.message);
    });
  }

  it('findOutputMediaType returns undefined instead of a 406', () => {
    assert.equal(findOutputMediaType('text/html'), undefined);
    assert.equal(
      findOutputMediaType(KUBECTL_GET, { allowsTransform: discoveryTransforms }),
      undefined,
    );
  });

  it('a missing header takes the first served type, whatever the restrictions', () => {
    const got = findOutputMediaType(undefined, { allowsTransform: discoveryTransforms });
    assert.equal(got?.mediaType, JSON_TYPE);
    assert.equal(got?.target, null);
  });
});

describe('parseAccept', () => {
  it('parses, sorts and freezes', () => {
    const ranges = parseAccept(
      'text/*;q=0.5, application/json;as=Table;Q=0.9, */*;q=0.1, image/png',
    );
    assert.deepEqual(
      ranges.map((r) => [`${r.type}/${r.subtype}`, r.q, r.params]),
      [
        ['image/png', 1, {}],
        ['application/json', 0.9, { as: 'Table' }],
        ['text/*', 0.5, {}],
        ['*/*', 0.1, {}],
      ],
    );
    assert.ok(Object.isFrozen(ranges));
    assert.ok(Object.isFrozen(ranges[1]));
    assert.ok(Object.isFrozen(ranges[1]!.params));
  });

  it('returns the cached result for a repeated header', () => {
    const header = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;cache=test';
    assert.equal(parseAccept(header), parseAccept(header));
  });

  it('keeps working after the cache overflows', () => {
    for (let i = 0; i < 500; i++) parseAccept(`application/x-${i}`);
    assert.equal(negotiateOutput(CLIENT_NODE).mediaType, JSON_TYPE);
  });

  it('keeps commas inside quoted values', () => {
    const ranges = parseAccept('application/json;x="a,b";q=0.5');
    assert.equal(ranges.length, 1);
    assert.deepEqual(ranges[0]!.params, { x: 'a,b' });
    assert.equal(ranges[0]!.q, 0.5);
  });
});

describe('mediaTypeWithTarget', () => {
  const cases: { name: string; target: GroupVersionKind | null; want: string }[] = [
    { name: 'no target', target: null, want: JSON_TYPE },
    {
      name: 'aggregated discovery echo',
      target: { group: 'apidiscovery.k8s.io', version: 'v2', kind: 'APIGroupDiscoveryList' },
      want: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    },
    {
      name: 'empty parts left out',
      target: { group: '', version: 'v1', kind: 'Table' },
      want: 'application/json;v=v1;as=Table',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(mediaTypeWithTarget(JSON_TYPE, c.target), c.want);
    });
  }
});

describe('isPrettyPrint', () => {
  const cases: { name: string; query?: string; userAgent?: string; want: boolean }[] = [
    { name: 'nothing', want: false },
    { name: 'pretty=true', query: 'pretty=true', want: true },
    { name: 'pretty=1', query: 'pretty=1', want: true },
    { name: 'pretty=T', query: 'pretty=T', want: true },
    {
      name: 'pretty=false beats curl',
      query: 'pretty=false',
      userAgent: 'curl/8.5.0',
      want: false,
    },
    { name: 'pretty=yes is not a Go bool', query: 'pretty=yes', want: false },
    { name: 'curl', userAgent: 'curl/8.5.0', want: true },
    { name: 'Wget', userAgent: 'Wget/1.21', want: true },
    { name: 'a browser', userAgent: 'Mozilla/5.0 (X11)', want: true },
    { name: 'kubectl', userAgent: 'kubectl/v1.32.5 (linux/amd64) kubernetes/abc', want: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const query = c.query === undefined ? undefined : new URLSearchParams(c.query);
      assert.equal(isPrettyPrint(query, c.userAgent), c.want);
    });
  }
});

describe('negotiateInput', () => {
  const CRD_PATCH_TYPES = [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ];
  const cases: {
    name: string;
    contentType: string | undefined;
    accepted?: readonly string[];
    mediaType: string;
    format: string;
    params?: Record<string, string>;
  }[] = [
    {
      name: 'no Content-Type means JSON',
      contentType: undefined,
      mediaType: JSON_TYPE,
      format: 'json',
    },
    {
      name: 'empty Content-Type means JSON',
      contentType: ' ',
      mediaType: JSON_TYPE,
      format: 'json',
    },
    { name: 'JSON', contentType: 'application/json', mediaType: JSON_TYPE, format: 'json' },
    {
      name: 'JSON with a charset (client-node, python)',
      contentType: 'application/json; charset=utf-8',
      mediaType: JSON_TYPE,
      format: 'json',
      params: { charset: 'utf-8' },
    },
    {
      name: 'upper case',
      contentType: 'Application/JSON;Charset="UTF-8"',
      mediaType: JSON_TYPE,
      format: 'json',
      params: { charset: 'UTF-8' },
    },
    { name: 'YAML', contentType: 'application/yaml', mediaType: YAML_TYPE, format: 'yaml' },
    {
      name: 'protobuf (kubectl 1.32 create configmap)',
      contentType: PROTOBUF,
      mediaType: PROTOBUF,
      format: 'protobuf',
    },
    {
      name: 'JSON patch (client-node default)',
      contentType: 'application/json-patch+json',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/json-patch+json',
      format: 'json-patch',
    },
    {
      name: 'merge patch (kubectl label)',
      contentType: 'application/merge-patch+json',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/merge-patch+json',
      format: 'merge-patch',
    },
    {
      name: 'strategic merge patch (kubectl patch)',
      contentType: 'application/strategic-merge-patch+json',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/strategic-merge-patch+json',
      format: 'strategic-merge-patch',
    },
    {
      name: 'server-side apply',
      contentType: 'application/apply-patch+yaml',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/apply-patch+yaml',
      format: 'apply-patch',
    },
    {
      name: 'a patch type with a charset',
      contentType: 'application/merge-patch+json; charset=utf-8',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/merge-patch+json',
      format: 'merge-patch',
      params: { charset: 'utf-8' },
    },
    {
      name: 'a patch type with malformed parameters (kube only cuts at ";")',
      contentType: 'application/merge-patch+json; junk',
      accepted: PATCH_MEDIA_TYPES,
      mediaType: 'application/merge-patch+json',
      format: 'merge-patch',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = negotiateInput(c.contentType, c.accepted);
      assert.equal(got.mediaType, c.mediaType);
      assert.equal(got.format, c.format);
      assert.deepEqual(got.params, c.params ?? {});
    });
  }

  const served = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';
  const patches =
    'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';
  const refused: {
    name: string;
    contentType: string | undefined;
    accepted?: readonly string[];
    listed: string;
  }[] = [
    { name: 'plain text', contentType: 'text/plain', listed: served },
    { name: 'no subtype', contentType: 'json', listed: served },
    { name: 'form data', contentType: 'application/x-www-form-urlencoded', listed: served },
    {
      name: 'a malformed parameter on a serializer type',
      contentType: 'application/json; charset',
      listed: served,
    },
    {
      name: 'a patch type on a create endpoint',
      contentType: 'application/merge-patch+json',
      listed: served,
    },
    {
      name: 'JSON on a patch endpoint',
      contentType: 'application/json',
      accepted: PATCH_MEDIA_TYPES,
      listed: patches,
    },
    {
      name: 'no Content-Type on a patch endpoint',
      contentType: undefined,
      accepted: PATCH_MEDIA_TYPES,
      listed: patches,
    },
    {
      name: 'strategic merge on a custom resource',
      contentType: 'application/strategic-merge-patch+json',
      accepted: CRD_PATCH_TYPES,
      listed: CRD_PATCH_TYPES.join(', '),
    },
  ];
  for (const c of refused) {
    it(`415 for ${c.name}`, () => {
      const err = statusOf(() => negotiateInput(c.contentType, c.accepted));
      assert.equal(err.code, 415);
      assert.equal(err.reason, 'UnsupportedMediaType');
      assert.equal(
        err.status.message,
        `the body of the request was in an unknown format - accepted media types include: ${c.listed}`,
      );
    });
  }

  it('returns the same frozen result for a repeated header', () => {
    const a = negotiateInput('application/json; charset=utf-8');
    assert.equal(negotiateInput('application/json; charset=utf-8'), a);
    assert.ok(Object.isFrozen(a));
  });

  it('parseContentType tells a malformed media type from malformed parameters', () => {
    assert.equal(parseContentType('not a type'), null);
    assert.deepEqual(parseContentType('application/json; charset'), {
      mediaType: JSON_TYPE,
      params: undefined,
    });
  });
});
