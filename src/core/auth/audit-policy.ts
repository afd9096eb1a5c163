import type { Permission } from './roles.js';

/**
 * What the audit log keeps: every call by which a person or a tool changes state. Reads are not
 * written (the request log has them), and neither is Alertmanager's traffic (permission `ingest`):
 * every notification is on its incident's timeline already, and at a thousand a second it would
 * bury what people did. Both keep the audit log small enough to read and to keep for years.
 */
export const AUDITED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const UNAUDITED_PERMISSIONS: readonly Permission[] = ['ingest'];

export function isAuditedMethod(method: string): boolean {
  return (AUDITED_METHODS as readonly string[]).includes(method.toUpperCase());
}

export function isAudited(method: string, permission: Permission | 'public' | undefined): boolean {
  return isAuditedMethod(method) && !(permission !== undefined && permission !== 'public' && UNAUDITED_PERMISSIONS.includes(permission));
}
