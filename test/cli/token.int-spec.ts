import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { hashApiToken, isApiTokenFormat } from '../../src/core/auth/api-token.js';
import { vigil } from '../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';

/** `vigil token …` in-process against a real PostgreSQL, through DATABASE_URL as a user sets it. */

let work: string;
let db: TestPostgres;
let url: string;
const saved = { DATABASE_URL: process.env.DATABASE_URL, VIGIL_DATA_DIR: process.env.VIGIL_DATA_DIR };

const token = (...args: string[]) => vigil(work, 'token', ...args);

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-token-cli-'));
  // The embedded server runs as the `postgres` user, which must be able to enter this folder.
  await chmod(work, 0o755);
  db = await startTestPostgres('vigil_token_cli_test');
  url = db.url;
});

beforeEach(() => {
  process.env.DATABASE_URL = url;
  delete process.env.VIGIL_DATA_DIR;
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await db?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('vigil token create', () => {
  it('works on a database that has never seen Vigil: prints the token alone on stdout, a note on stderr, and stores only its hash', async () => {
    const r = await token('create', '--role', 'admin', '--name', 'first-admin');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^vgl_[A-Za-z0-9_-]{43}\n$/);
    const printed = r.out.trim();
    expect(isApiTokenFormat(printed)).toBe(true);
    expect(r.err).toMatch(/^created admin token "first-admin" \(vgl_.{6}…\)\. It is shown once, below, and never again: store it now\.\n$/);
    expect(r.err).not.toContain(printed);

    const rows = await query('SELECT * FROM api_tokens');
    expect(rows).toEqual([
      expect.objectContaining({ name: 'first-admin', role: 'admin', token_hash: hashApiToken(printed), prefix: printed.slice(0, 10), created_by: `cli:${userInfo().username}`, last_used_at: null, revoked_at: null, expires_at: null }),
    ]);
    // Nothing anywhere in the row is the token itself.
    expect(JSON.stringify(rows)).not.toContain(printed.slice(4));
  });

  it('prints a different token each time', async () => {
    const a = await token('create', '--role', 'viewer', '--name', 'one');
    const b = await token('create', '--role', 'viewer', '--name', 'two');
    expect(a.out).not.toBe(b.out);
  });

  it('--expires-in sets the expiry that far ahead', async () => {
    const before = Date.now();
    const r = await token('create', '--role', 'ingest', '--name', 'alertmanager', '--expires-in', '90d');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/, expires \d{4}-\d\d-\d\dT/);
    const [row] = await query<{ expires_at: Date }>('SELECT expires_at FROM api_tokens WHERE name = $1', ['alertmanager']);
    const ahead = row!.expires_at.getTime() - before;
    expect(ahead).toBeGreaterThanOrEqual(90 * 86_400_000);
    expect(ahead).toBeLessThan(90 * 86_400_000 + 60_000);
  });

  it('refuses a name a live token has, with exit 1, and writes nothing', async () => {
    await token('create', '--role', 'viewer', '--name', 'taken');
    const r = await token('create', '--role', 'admin', '--name', 'taken');
    expect(r).toEqual({ code: 1, out: '', err: 'vigil token create: an active token named "taken" exists; revoke it first\n' });
    expect(await query('SELECT role FROM api_tokens WHERE name = $1', ['taken'])).toEqual([{ role: 'viewer' }]);
  });

  it.each([
    [['--role', 'root', '--name', 'x'], /argument 'root' is invalid.*admin, responder, viewer, ingest/],
    [['--name', 'x'], /required option '--role <role>' not specified/],
    [['--role', 'admin'], /required option '--name <name>' not specified/],
    [['--role', 'admin', '--name', 'has space'], /a token name is 1–64 letters/],
    [['--role', 'admin', '--name', 'x', '--expires-in', 'soon'], /--expires-in "soon" is not a duration/],
    [['--role', 'admin', '--name', 'x', '--expires-in', '0s'], /--expires-in "0s" is not a duration/],
  ])('exits 2 on %j', async (args, message) => {
    const r = await token('create', ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  it('exits 2 naming the database (password masked) when it cannot be reached', async () => {
    process.env.DATABASE_URL = 'postgresql://vigil:hunter2@127.0.0.1:1/vigil_test';
    const r = await token('create', '--role', 'admin', '--name', 'nowhere');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^vigil token: database postgresql:\/\/vigil:\*\*\*@127\.0\.0\.1:1\/vigil_test: .*ECONNREFUSED/);
    expect(r.err).not.toContain('hunter2');
  });
});

describe('vigil token list', () => {
  it('shows name, role, prefix, created, last used, expires and revoked; never a token or a hash', async () => {
    const created = (await token('create', '--role', 'responder', '--name', 'pager')).out.trim();
    const r = await token('list');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+EXPIRES\s+REVOKED$/);
    expect(lines.find((l) => l.startsWith('pager '))).toMatch(new RegExp(`^pager\\s+responder\\s+${created.slice(0, 10)}…\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+-\\s+-\\s+-$`));
    expect(r.out).not.toContain(created);
    expect(r.out).not.toContain(hashApiToken(created));
  });

  it('--json gives the same fields to a script', async () => {
    const r = await token('list', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows.find((t) => t.name === 'pager')).toEqual({
      name: 'pager',
      role: 'responder',
      prefix: expect.stringMatching(/^vgl_.{6}$/),
      createdAt: expect.any(String),
      createdBy: expect.stringMatching(/^cli:/),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(r.out).not.toMatch(/hash|[0-9a-f]{64}/);
  });
});

describe('vigil token revoke', () => {
  it('revokes the live token of that name, exit 0; then there is none, exit 1', async () => {
    await token('create', '--role', 'viewer', '--name', 'leaving');
    const r = await token('revoke', 'leaving');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^revoked viewer token "leaving" \(vgl_.{6}…\); running servers refuse it within 5 s\n$/);
    const again = await token('revoke', 'leaving');
    expect(again).toEqual({ code: 1, out: '', err: 'vigil token revoke: no active token named "leaving"\n' });
    expect((await token('revoke', 'never-was')).code).toBe(1);
    const list = JSON.parse((await token('list', '--json')).out) as { name: string; revokedAt: string | null }[];
    expect(list.find((t) => t.name === 'leaving')!.revokedAt).toEqual(expect.any(String));
  });

  it('frees the name: a new token may take it', async () => {
    await token('create', '--role', 'viewer', '--name', 'reissued');
    await token('revoke', 'reissued');
    expect((await token('create', '--role', 'admin', '--name', 'reissued')).code).toBe(0);
    expect(await query('SELECT role, revoked_at IS NULL AS live FROM api_tokens WHERE name = $1 ORDER BY created_at', ['reissued'])).toEqual([
      { role: 'viewer', live: false },
      { role: 'admin', live: true },
    ]);
  });
});

describe('the audit log', () => {
  it('has every token change the CLI made, as cli:<os user>, with its exit code, and never a token', async () => {
    const rows = await query<{ actor: string; method: string; route: string; status: number; detail: { name: string } }>(
      'SELECT actor, method, route, status, detail FROM audit_log ORDER BY id',
    );
    const actor = `cli:${userInfo().username}`;
    expect(rows.every((r) => r.actor === actor && r.method === 'CLI')).toBe(true);
    expect(rows.map((r) => `${r.route} ${r.detail.name} ${r.status}`)).toEqual(
      expect.arrayContaining(['token create first-admin 0', 'token create taken 1', 'token revoke leaving 0', 'token revoke leaving 1', 'token revoke never-was 1']),
    );
    expect(JSON.stringify(rows)).not.toMatch(/vgl_[A-Za-z0-9_-]{43}/);
  });
});

describe('without DATABASE_URL', () => {
  it('uses the embedded database in VIGIL_DATA_DIR, started for the command and stopped after it', async () => {
    delete process.env.DATABASE_URL;
    process.env.VIGIL_DATA_DIR = 'data';
    const created = await token('create', '--role', 'admin', '--name', 'laptop');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^vgl_[A-Za-z0-9_-]{43}\n$/);
    const list = await token('list', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.out) as { name: string }[]).map((t) => t.name)).toEqual(['laptop']);
  }, 60_000);
});
