import type { Role } from '../../core/auth/roles.js';

/** Who is calling: the verified token's identity, attached to the request by the guard. */
export interface Principal {
  readonly tokenId: string;
  /** The token's name: the actor in the audit log. */
  readonly name: string;
  readonly role: Role;
}

// A WeakMap rather than a property on Express's Request: nothing else can set or spoof it, and it
// goes away with the request.
const principals = new WeakMap<object, Principal>();

export function setPrincipal(req: object, principal: Principal): void {
  principals.set(req, principal);
}

export function principalOf(req: object): Principal | undefined {
  return principals.get(req);
}
