/**
 * What the audit log keeps: every call that can change state. Reads are not written (the request
 * log has them), so the audit log stays small enough to read and to keep for years.
 */
export const AUDITED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function isAuditedMethod(method: string): boolean {
  return (AUDITED_METHODS as readonly string[]).includes(method.toUpperCase());
}
