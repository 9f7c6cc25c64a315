import { forbidden, forbiddenPath, quote } from '@kapi/apimachinery';
import type { AuthorizationAttributes, Authorizer } from '../auth.js';
import type { Filter, RequestContext } from '../handler.js';
import { writeStatus } from '../response.js';

/** The authorization attributes of a request, from its user and request info. */
export function authorizationAttributes(ctx: RequestContext): AuthorizationAttributes | undefined {
  const info = ctx.requestInfo;
  if (info === undefined || ctx.user === undefined) return undefined;
  return {
    user: ctx.user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
    path: info.path,
  };
}

/** kube's wording of a denial: `User "u" cannot create resource "configmaps" in API group "" in the namespace "default"`. */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const who = `User ${quote(a.user.name)}`;
  if (!a.isResourceRequest) return `${who} cannot ${a.verb} path ${quote(a.path)}`;
  const resource = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  const where =
    a.namespace === '' ? 'at the cluster scope' : `in the namespace ${quote(a.namespace)}`;
  return `${who} cannot ${a.verb} resource ${quote(resource)} in API group ${quote(a.apiGroup)} ${where}`;
}

/**
 * Asks the authorizer about every request (as kube's WithAuthorization); anything but `allow` is
 * a 403 Forbidden worded as kube's, with the authorizer's reason appended.
 */
export function withAuthorization(authorizer: Authorizer): Filter {
  return (next) => async (req, res, ctx) => {
    const attributes = authorizationAttributes(ctx);
    if (attributes === undefined) {
      throw new Error('authorization needs the request-info and authentication filters before it');
    }
    const decision = await authorizer.authorize(attributes);
    if (decision.decision === 'allow') {
      // awaited rather than returned: an async function returning a promise adopts it, two more ticks
      await next(req, res, ctx);
      return;
    }
    const reason =
      decision.reason !== undefined && decision.reason !== '' ? `: ${decision.reason}` : '';
    const message = forbiddenMessage(attributes) + reason;
    writeStatus(
      res,
      attributes.isResourceRequest
        ? forbidden(
            { group: attributes.apiGroup, resource: attributes.resource },
            attributes.name,
            message,
          )
        : forbiddenPath(message),
    );
  };
}
