import { ForbiddenException, HttpException, Logger, type ExecutionContext } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Public, RequirePermission } from './auth.decorators.js';
import { AuthGuard } from './auth.guard.js';
import { csrfTokenOf } from '../../core/auth/web-session.js';
import { principalOf, requestSessionOf } from './principal.js';
import { RequestAuthenticator } from './request-authenticator.js';
import type { SessionVerification, SessionVerifier } from './session-verifier.js';
import type { TokenVerifier, Verification } from './token-verifier.js';

// The real guard over a verifier that answers from a table: what is judged here is the guard's
// decision, not token storage (the e2e tests do that against PostgreSQL).
class Handlers {
  @RequirePermission('admin')
  change(): void {}

  @RequirePermission('read')
  look(): void {}

  @Public()
  probe(): void {}

  forgotten(): void {}
}

const VERIFIED: Record<string, Verification> = {
  'Bearer admin': { ok: true, principal: { tokenId: 't-admin', name: 'ops', role: 'admin' }, expiresAt: null },
  'Bearer viewer': { ok: true, principal: { tokenId: 't-viewer', name: 'auditor', role: 'viewer' }, expiresAt: null },
};

const ADMIN_SESSION = `vgs_${'A'.repeat(43)}`;
const ENDED_SESSION = `vgs_${'B'.repeat(43)}`;
const SESSIONS: Record<string, SessionVerification> = {
  [ADMIN_SESSION]: { ok: true, principal: { tokenId: 't-admin', name: 'ops', role: 'admin' }, session: { id: 's-1', expiresAt: new Date('2026-11-29T22:00:00Z'), csrfToken: csrfTokenOf(ADMIN_SESSION) } },
  [ENDED_SESSION]: { ok: false, reason: 'ended', message: 'the session was signed out; sign in again', tokenName: 'ops' },
};

/** Headers a browser on the same origin sends with a mutation, plus the session's CSRF token. */
const sameOrigin = (secret: string) => ({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin', 'x-vigil-csrf': csrfTokenOf(secret) });

function setup() {
  const verifier = {
    calls: 0,
    verify: async (t: string | undefined): Promise<Verification> => {
      verifier.calls += 1;
      if (t === undefined) return { ok: false, reason: 'missing', message: 'a bearer token is required' };
      return VERIFIED[`Bearer ${t}`] ?? { ok: false, reason: 'unknown', message: 'the bearer token is not known' };
    },
  };
  const sessions = {
    verify: async (secret: string): Promise<SessionVerification> => SESSIONS[secret] ?? { ok: false, reason: 'unknown', message: 'the session is not known' },
  };
  const audited: unknown[][] = [];
  const audit = { recordRequest: async (...args: unknown[]) => void audited.push(args) };
  const authenticator = new RequestAuthenticator(verifier as unknown as TokenVerifier, sessions as unknown as SessionVerifier);
  const guard = new AuthGuard(authenticator, audit as unknown as AuditService);
  const run = async (handler: keyof Handlers, method: string, authorization?: string, more: Record<string, string> = {}) => {
    const headers: Record<string, string> = {};
    const sent: Record<string, string | undefined> = { authorization, ...more };
    // The parts of Fastify's request and reply the guard reads and writes.
    const req = { method, url: '/x', routeOptions: { url: '/x' }, is404: false, protocol: 'http', id: 'req-1', headers: Object.fromEntries(Object.entries(sent).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), v])) };
    const cleared: string[] = [];
    const res = {
      header(k: string, v: string) {
        headers[k] = v;
        return this;
      },
      clearCookie: (name: string) => void cleared.push(name),
    };
    const context = {
      getHandler: () => Handlers.prototype[handler],
      getClass: () => Handlers,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ExecutionContext;
    try {
      return { allowed: await guard.canActivate(context), headers, req, cleared };
    } catch (err) {
      return { error: err as HttpException, headers, req, cleared };
    }
  };
  return { run, verifier, audited };
}

describe('AuthGuard', () => {
  const errors: string[] = [];
  const quiet = () => {};
  beforeAll(() => Logger.overrideLogger({ log: quiet, warn: quiet, error: (m: unknown) => void errors.push(String(m)) }));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it.each<[string, keyof Handlers, string, string | undefined, number | true]>([
    ['a public handler without a token passes', 'probe', 'GET', undefined, true],
    ['a read handler without a token is 401', 'look', 'GET', undefined, 401],
    ['a read handler with an unknown token is 401', 'look', 'GET', 'Bearer nope', 401],
    ['a read handler with Basic auth is 401', 'look', 'GET', 'Basic YTpi', 401],
    ['a viewer may read', 'look', 'GET', 'Bearer viewer', true],
    ['a viewer may not change', 'change', 'POST', 'Bearer viewer', 403],
    ['an admin may change', 'change', 'POST', 'Bearer admin', true],
    ['a handler with no declaration is refused even to an admin', 'forgotten', 'GET', 'Bearer admin', 403],
    ['a handler with no declaration is refused without a token too', 'forgotten', 'GET', undefined, 403],
  ])('%s', async (_, handler, method, authorization, outcome) => {
    const r = await setup().run(handler, method, authorization);
    if (outcome === true) expect(r.allowed).toBe(true);
    else expect(r.error?.getStatus()).toBe(outcome);
  });

  it('a 401 carries WWW-Authenticate and the JSON error shape', async () => {
    const r = await setup().run('look', 'GET');
    expect(r.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="vigil"' });
    expect(r.error?.getResponse()).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('bearer token is required') });
  });

  it('a 403 names the role and the permission, and a denied mutation is audited', async () => {
    const { run, audited } = setup();
    const r = await run('change', 'POST', 'Bearer viewer');
    expect(r.error?.getResponse()).toMatchObject({ statusCode: 403, error: 'Forbidden', role: 'viewer', permission: 'admin' });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.slice(1)).toEqual([{ tokenId: 't-viewer', name: 'auditor', role: 'viewer' }, 403, expect.objectContaining({ permission: 'admin' })]);
  });

  it('a denied read is not audited (reads never are)', async () => {
    const { run, audited } = setup();
    await run('change', 'GET', 'Bearer viewer');
    expect(audited).toEqual([]);
  });

  it('an undeclared handler is refused before any token is looked at, and logged as a bug', async () => {
    const { run, verifier } = setup();
    errors.length = 0;
    const r = await run('forgotten', 'POST', 'Bearer admin');
    expect(r.error).toBeInstanceOf(ForbiddenException);
    expect(verifier.calls).toBe(0);
    expect(errors).toEqual([expect.stringMatching(/^BUG: Handlers\.forgotten declares no permission/)]);
  });

  it('attaches the caller to the request for the audit interceptor', async () => {
    const r = await setup().run('look', 'GET', 'Bearer admin');
    expect(principalOf(r.req)).toEqual({ tokenId: 't-admin', name: 'ops', role: 'admin' });
  });
});

describe('AuthGuard with a web UI session cookie', () => {
  const cookie = (secret: string) => ({ cookie: `theme=dark; vigil_session=${secret}` });

  it('a read needs only the cookie, and the request learns its session', async () => {
    const r = await setup().run('look', 'GET', undefined, cookie(ADMIN_SESSION));
    expect(r.allowed).toBe(true);
    expect(principalOf(r.req)).toEqual({ tokenId: 't-admin', name: 'ops', role: 'admin' });
    expect(requestSessionOf(r.req)).toMatchObject({ id: 's-1' });
  });

  it('a mutation from the same origin with the CSRF token passes', async () => {
    const r = await setup().run('change', 'POST', undefined, { ...cookie(ADMIN_SESSION), ...sameOrigin(ADMIN_SESSION) });
    expect(r.allowed).toBe(true);
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['without the CSRF header', { 'x-vigil-csrf': undefined }, 'csrf-missing'],
    ["with another session's CSRF token", { 'x-vigil-csrf': csrfTokenOf(ENDED_SESSION) }, 'csrf-mismatch'],
    ['from another origin', { origin: 'https://evil.example' }, 'origin-mismatch'],
    ['marked cross-site by the browser', { 'sec-fetch-site': 'cross-site' }, 'cross-site'],
  ])('a mutation %s is 403 with a JSON reason, and audited', async (_, change, reason) => {
    const { run, audited } = setup();
    const r = await run('change', 'POST', undefined, { ...cookie(ADMIN_SESSION), ...sameOrigin(ADMIN_SESSION), ...change } as Record<string, string>);
    expect(r.error?.getStatus()).toBe(403);
    expect(r.error?.getResponse()).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String), reason });
    expect(audited).toEqual([[expect.anything(), { tokenId: 't-admin', name: 'ops', role: 'admin' }, 403, { csrf: reason }]]);
  });

  it('a signed-out session is 401 and its cookie is cleared', async () => {
    const r = await setup().run('look', 'GET', undefined, cookie(ENDED_SESSION));
    expect(r.error?.getStatus()).toBe(401);
    expect(r.error?.getResponse()).toMatchObject({ message: expect.stringMatching(/signed out/) });
    expect(r.cleared).toEqual(['vigil_session']);
  });

  it('an Authorization header is judged alone: a wrong token is not rescued by a good cookie', async () => {
    const r = await setup().run('look', 'GET', 'Bearer nope', cookie(ADMIN_SESSION));
    expect(r.error?.getStatus()).toBe(401);
    expect(r.cleared).toEqual([]);
  });

  it('a bearer mutation needs no CSRF proof (browsers cannot attach the header cross-site)', async () => {
    const r = await setup().run('change', 'POST', 'Bearer admin', { origin: 'https://elsewhere.example' });
    expect(r.allowed).toBe(true);
  });
});

describe('the decorators', () => {
  it.each([
    ['two permissions', () => [RequirePermission('read'), RequirePermission('admin')]],
    ['a permission and @Public()', () => [RequirePermission('read'), Public()]],
  ])('refuse %s on one handler, when the class is defined', (_, decorators) => {
    const define = () => {
      class Twice {
        m(): void {}
      }
      const d = Object.getOwnPropertyDescriptor(Twice.prototype, 'm')!;
      for (const dec of decorators()) dec(Twice.prototype, 'm', d);
    };
    expect(define).toThrow(/exactly one of @RequirePermission\(…\) and @Public\(\)/);
  });
});
