/**
 * Who may do what, as data. Every HTTP operation declares exactly one permission; a token carries
 * exactly one role; `authorize` is the only place the two meet. Adding a role or a permission is
 * an edit to these tables (and the CHECK constraint of api_tokens.role), never a new `if`.
 */
export const PERMISSIONS = ['read', 'respond', 'admin', 'ingest', 'audit'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'responder', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

/** What each permission stands for, for docs and error messages. */
export const PERMISSION_MEANING: Readonly<Record<Permission, string>> = {
  read: 'read SLOs, budgets, reports and webhook registrations',
  respond: 'acknowledge and resolve incidents, run drills',
  admin: 'change configuration: webhooks, tokens',
  ingest: 'post alerts (the Alertmanager receiver)',
  audit: 'read the audit log',
};

/**
 * The permission table. `ingest` holds nothing but `ingest`: the token Alertmanager is configured
 * with can post alerts and cannot read anything, so a leaked alertmanager.yml exposes no data.
 * `viewer` is the auditor's role: read-only, audit log included; responders act on incidents but
 * do not read who did what (admins and auditors do).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  responder: ['read', 'respond'],
  viewer: ['read', 'audit'],
  ingest: ['ingest'],
};

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** The one authorisation decision: may a caller with `role` use an operation needing `permission`? */
export function authorize(role: Role, permission: Permission): Decision {
  if (ROLE_PERMISSIONS[role].includes(permission)) return { allowed: true };
  return { allowed: false, reason: `role '${role}' lacks permission '${permission}' (${PERMISSION_MEANING[permission]})` };
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
