import type { Role } from '../../core/auth/roles.js';

/** Who is calling: the verified token's identity, attached to the request by the guard. */
export interface Principal {
  readonly tokenId: string;
  /** The token's name: the actor in the audit log. */
  readonly name: string;
  readonly role: Role;
}

// A WeakMap rather than a property on Fastify's request: nothing else can set or spoof it, and it
// goes away with the request.
const principals = new WeakMap<object, Principal>();

export function setPrincipal(req: object, principal: Principal): void {
  principals.set(req, principal);
}

export function principalOf(req: object): Principal | undefined {
  return principals.get(req);
}

/** The web UI session a request came with, when it came with one (not a bearer token). */
export interface RequestSession {
  readonly id: string;
  readonly expiresAt: Date;
  readonly csrfToken: string;
}

const sessions = new WeakMap<object, RequestSession>();

export function setRequestSession(req: object, session: RequestSession): void {
  sessions.set(req, session);
}

export function requestSessionOf(req: object): RequestSession | undefined {
  return sessions.get(req);
}
