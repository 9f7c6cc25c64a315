import { unauthorized } from '@kapi/apimachinery';
import type { Authenticator } from '../auth.js';
import type { Filter } from '../handler.js';
import { writeStatus } from '../response.js';

/**
 * Establishes `ctx.user` (as kube's WithAuthentication); a request no authenticator accepts is a
 * 401 Unauthorized. The Authorization header is removed once used so it never reaches handlers or proxies.
 */
export function withAuthentication(authenticator: Authenticator): Filter {
  return (next) => async (req, res, ctx) => {
    let result;
    try {
      result = await authenticator.authenticate(req);
    } catch {
      result = null;
    }
    if (result === null) {
      writeStatus(res, unauthorized());
      return;
    }
    // deleting a header the request never had would still slow every later read of the headers
    if (req.headers.authorization !== undefined) delete req.headers.authorization;
    ctx.user = result.user;
    await next(req, res, ctx);
  };
}
