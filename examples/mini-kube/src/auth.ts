/**
 * Who may call mini-kube until Kapi's authentication and RBAC arrive: the holder of the admin
 * bearer token, as a member of `system:masters`; nobody else.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  AuthenticationResult,
  Authenticator,
  AuthorizationAttributes,
  AuthorizationDecision,
  Authorizer,
  UserInfo,
} from '@kapi/server';

/** The group kube grants every permission to. */
export const SYSTEM_MASTERS = 'system:masters';

/** The user the admin token stands for. */
export const ADMIN_USER: UserInfo = {
  name: 'admin',
  groups: [SYSTEM_MASTERS, 'system:authenticated'],
};

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Accepts `Authorization: Bearer <token>` with the one admin token (as kube's bearertoken
 * authenticator reads the header), comparing digests in constant time so neither the token nor its
 * length leaks through timing.
 */
export class StaticTokenAuthenticator implements Authenticator {
  private readonly expected: Buffer;

  constructor(
    token: string,
    private readonly user: UserInfo = ADMIN_USER,
  ) {
    if (token === '') throw new Error('the admin token must not be empty');
    this.expected = digest(token);
  }

  authenticate(req: IncomingMessage): Promise<AuthenticationResult> {
    const header = (req.headers.authorization ?? '').trim();
    const [scheme, token] = header.split(' ', 3);
    if (scheme?.toLowerCase() !== 'bearer' || token === undefined || token === '') {
      return Promise.resolve(null);
    }
    const match = timingSafeEqual(digest(token), this.expected);
    return Promise.resolve(match ? { user: structuredClone(this.user) } : null);
  }
}

/** Allows members of `system:masters` everything, as kube's authorizer chain does; no opinion on anyone else. */
export const systemMastersAuthorizer: Authorizer = {
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision> {
    return Promise.resolve({
      decision: attributes.user.groups.includes(SYSTEM_MASTERS) ? 'allow' : 'noOpinion',
    });
  },
};
