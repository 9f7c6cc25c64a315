/**
 * The authentication and authorization interfaces the filter chain calls. The implementations
 * (tokens, certificates, RBAC, webhooks) live in their own packages; here are only the explicit
 * all-or-nothing ones a host may choose for tests and trusted setups.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './handler.js';

/** What an authenticator concludes: a user, or that the request is not its business. */
export type AuthenticationResult = { user: UserInfo } | null;

/** Establishes who made a request (k8s.io/apiserver authenticator.Request). */
export interface Authenticator {
  /** Resolves the user, `null` when this authenticator has nothing to say, or rejects with a StatusError (401). */
  authenticate(req: IncomingMessage): Promise<AuthenticationResult>;
}

/** The attributes an authorizer decides on (k8s.io/apiserver authorizer.Attributes). */
export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** For non-resource requests. */
  path: string;
}

/** An authorizer's decision: allow, deny, or no opinion (the next authorizer decides). */
export interface AuthorizationDecision {
  decision: 'allow' | 'deny' | 'noOpinion';
  /** Why, shown to the user on a denial. */
  reason?: string;
}

/** Decides whether a user may do something (k8s.io/apiserver authorizer.Authorizer). */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision>;
}

/** The anonymous user as kube names it. */
export const anonymousUser: UserInfo = {
  name: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

// settled promises are immutable: one answer serves every request
const anonymousResult = Promise.resolve<AuthenticationResult>(
  Object.freeze({ user: anonymousUser }),
);
const allowed = Promise.resolve<AuthorizationDecision>(Object.freeze({ decision: 'allow' }));

/** Treats every request as `system:anonymous`. Choose it explicitly; Kapi never falls back to it. */
export const anonymousAuthenticator: Authenticator = {
  authenticate: () => anonymousResult,
};

/** Allows everything. Choose it explicitly; Kapi never falls back to it. */
export const alwaysAllowAuthorizer: Authorizer = {
  authorize: () => allowed,
};

/** Denies everything. */
export const alwaysDenyAuthorizer: Authorizer = {
  authorize: () => Promise.resolve({ decision: 'deny', reason: 'all requests are denied' }),
};
