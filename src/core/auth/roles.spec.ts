import { authorize, isPermission, isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from './roles.js';
import { isAudited, isAuditedMethod } from './audit-policy.js';

// The whole matrix, written out: a change to ROLE_PERMISSIONS must change this table too.
const MATRIX: [Role, Permission, boolean][] = [
  ['admin', 'read', true],
  ['admin', 'respond', true],
  ['admin', 'admin', true],
  ['admin', 'ingest', true],
  ['admin', 'audit', true],
  ['responder', 'read', true],
  ['responder', 'respond', true],
  ['responder', 'admin', false],
  ['responder', 'ingest', false],
  ['responder', 'audit', false],
  ['viewer', 'read', true],
  ['viewer', 'respond', false],
  ['viewer', 'admin', false],
  ['viewer', 'ingest', false],
  ['viewer', 'audit', true],
  ['ingest', 'read', false],
  ['ingest', 'respond', false],
  ['ingest', 'admin', false],
  ['ingest', 'ingest', true],
  ['ingest', 'audit', false],
];

describe('authorize', () => {
  it('the matrix covers every role and permission exactly once', () => {
    expect(MATRIX).toHaveLength(ROLES.length * PERMISSIONS.length);
    expect(new Set(MATRIX.map(([r, p]) => `${r}/${p}`)).size).toBe(MATRIX.length);
  });

  it.each(MATRIX)('a %s token asking for %s is allowed: %s', (role, permission, allowed) => {
    expect(authorize(role, permission).allowed).toBe(allowed);
  });

  it('a refusal names the role, the permission and what the permission is for', () => {
    expect(authorize('viewer', 'admin')).toEqual({ allowed: false, reason: "role 'viewer' lacks permission 'admin' (change configuration: webhooks, tokens)" });
  });

  it('admin holds every permission there is, so a new permission cannot lock admins out', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('only admin and viewer read the audit log', () => {
    expect(ROLES.filter((r) => authorize(r, 'audit').allowed)).toEqual(['admin', 'viewer']);
  });
});

describe('isRole / isPermission', () => {
  it.each([
    ['admin', true],
    ['viewer', true],
    ['Admin', false],
    ['root', false],
    ['', false],
  ])('%j is a role: %s', (text, yes) => {
    expect(isRole(text)).toBe(yes);
  });

  it.each([
    ['read', true],
    ['audit', true],
    ['write', false],
    [undefined, false],
  ])('%j is a permission: %s', (text, yes) => {
    expect(isPermission(text)).toBe(yes);
  });
});

describe('isAuditedMethod', () => {
  it.each([
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
    ['delete', true],
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
  ])('%s is audited: %s', (method, yes) => {
    expect(isAuditedMethod(method)).toBe(yes);
  });
});

describe('isAudited', () => {
  it.each([
    ['POST', 'respond', true],
    ['POST', 'admin', true],
    ['DELETE', 'admin', true],
    // Alertmanager's notifications are on the incident timelines; the audit log keeps what people do.
    ['POST', 'ingest', false],
    ['GET', 'read', false],
    ['POST', 'public', true],
  ] as const)('%s of an operation needing %s is audited: %s', (method, permission, yes) => {
    expect(isAudited(method, permission)).toBe(yes);
  });
});
