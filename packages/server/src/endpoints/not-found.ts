import { StatusError } from '@kapi/apimachinery';

/** kube's answer to a path nothing serves: a 404 Status, `the server could not find the requested resource`. */
export function notFoundPath(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}
