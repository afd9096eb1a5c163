import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Permission, SessionDto } from '../../../src/modules/web/api-types.js';

export interface SessionState {
  readonly session: SessionDto;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider(props: { value: SessionState; children: ComponentChildren }) {
  return <SessionContext.Provider value={props.value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/**
 * May the signed-in role use an action needing `permission`? Only to decide what to show: the
 * API refuses the action to a role without it anyway (the permissions come from the server).
 */
export function useCan(permission: Permission): boolean {
  return useSession().session.permissions.includes(permission);
}
