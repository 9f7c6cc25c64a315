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
    delete req.headers.authorization;
    ctx.user = result.user;
    await next(req, res, ctx);
  };
}
