import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  alreadyExists,
  conflict,
  fieldError,
  forbidden,
  internalError,
  invalid,
  isAlreadyExists,
  isConflict,
  isNotFound,
  isTooLargeResourceVersion,
  methodNotSupported,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  StatusError,
  toStatus,
  tooLargeResourceVersion,
  tooManyRequests,
  unsupportedMediaType,
} from '../src/index.js';

const configmaps = { group: '', resource: 'configmaps' };
const flunders = { group: 'wardle.example.com', resource: 'flunders' };

describe('Status errors', () => {
  const cases: { name: string; err: StatusError; code: number; reason: string; message: string }[] =
    [
      {
        name: 'not found, core group',
        err: notFound(configmaps, 'x'),
        code: 404,
        reason: 'NotFound',
        message: 'configmaps "x" not found',
      },
      {
        name: 'not found, named group',
        err: notFound(flunders, 'x'),
        code: 404,
        reason: 'NotFound',
        message: 'flunders.wardle.example.com "x" not found',
      },
      {
        name: 'already exists',
        err: alreadyExists(configmaps, 'x'),
        code: 409,
        reason: 'AlreadyExists',
        message: 'configmaps "x" already exists',
      },
      {
        name: 'conflict',
        err: conflict(configmaps, 'x'),
        code: 409,
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again',
      },
      {
        name: 'forbidden without a name',
        err: forbidden(
          configmaps,
          '',
          'User "u" cannot create resource "configmaps" in API group "" in the namespace "default"',
        ),
        code: 403,
        reason: 'Forbidden',
        message:
          'configmaps is forbidden: User "u" cannot create resource "configmaps" in API group "" in the namespace "default"',
      },
      {
        name: 'method not supported',
        err: methodNotSupported(configmaps, 'create'),
        code: 405,
        reason: 'MethodNotAllowed',
        message: 'create is not supported on resources of kind "configmaps"',
      },
      {
        name: 'not acceptable',
        err: notAcceptable(['application/json', 'application/yaml']),
        code: 406,
        reason: 'NotAcceptable',
        message: 'only the following media types are accepted: application/json, application/yaml',
      },
      {
        name: 'unsupported media type',
        err: unsupportedMediaType(['application/json']),
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json',
      },
      {
        name: 'too large',
        err: requestEntityTooLarge('limit is 3145728'),
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'Request entity too large: limit is 3145728',
      },
      {
        name: 'internal',
        err: internalError(new Error('boom')),
        code: 500,
        reason: 'InternalError',
        message: 'Internal error occurred: boom',
      },
    ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.equal(tc.err.code, tc.code);
      assert.equal(tc.err.status.reason, tc.reason);
      assert.equal(tc.err.status.message, tc.message);
      assert.equal(tc.err.status.kind, 'Status');
      assert.equal(tc.err.status.status, 'Failure');
    });
  }
});

describe('Invalid', () => {
  it('words one cause as kube does', () => {
    const err = invalid({ group: '', kind: 'ConfigMap' }, 'Foo', [
      fieldError.invalid(
        'metadata.name',
        'Foo',
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
      ),
    ]);
    assert.equal(err.code, 422);
    assert.equal(
      err.message,
      'ConfigMap "Foo" is invalid: metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\'',
    );
    assert.deepEqual(err.status.details, {
      name: 'Foo',
      kind: 'ConfigMap',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
          field: 'metadata.name',
        },
      ],
    });
  });

  it('brackets several causes and drops duplicates', () => {
    const err = invalid({ group: 'wardle.example.com', kind: 'Flunder' }, 'a', [
      fieldError.required('spec.reference'),
      fieldError.required('spec.reference'),
      fieldError.notSupported('spec.type', 'x', ['a', 'b']),
    ]);
    assert.equal(
      err.message,
      'Flunder.wardle.example.com "a" is invalid: [spec.reference: Required value, spec.type: Unsupported value: "x": supported values: "a", "b"]',
    );
    assert.equal(err.status.details?.group, 'wardle.example.com');
    assert.equal(err.status.details?.causes?.length, 3);
  });
});

describe('predicates and conversion', () => {
  it('recognises reasons', () => {
    assert.ok(isNotFound(notFound(configmaps, 'x')));
    assert.ok(!isNotFound(alreadyExists(configmaps, 'x')));
    assert.ok(isAlreadyExists(alreadyExists(configmaps, 'x')));
    assert.ok(isConflict(conflict(configmaps, 'x')));
    assert.ok(!isNotFound(new Error('plain')));
  });

  it('marks a too-large resourceVersion', () => {
    const err = tooLargeResourceVersion(10, 5);
    assert.equal(err.code, 504);
    assert.equal(err.message, 'Timeout: Too large resource version: 10, current: 5');
    assert.ok(isTooLargeResourceVersion(err));
    assert.ok(!isTooLargeResourceVersion(notFound(configmaps, 'x')));
  });

  it('carries retryAfterSeconds on 429', () => {
    assert.equal(tooManyRequests('slow down', 3).status.details?.retryAfterSeconds, 3);
  });

  it('turns any thrown value into a Status', () => {
    assert.equal(toStatus(new TypeError('bad')).code, 500);
    assert.equal(toStatus(notFound(configmaps, 'x')).code, 404);
  });
});
