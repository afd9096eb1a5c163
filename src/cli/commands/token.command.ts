import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { displayPrefix, formatApiToken, hashApiToken, TOKEN_BYTES, tokenNameProblem } from '../../core/auth/api-token.js';
import { isRole, ROLES, type Role } from '../../core/auth/roles.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { TokenNameTakenError, type ApiToken } from '../../persistence/api-token.repository.js';
import type { CliRepositories } from '../../persistence/standalone.js';
import { commandWithDatabase } from '../database.js';
import { EXIT, type CliIo } from '../io.js';

export interface TokenCreateOptions {
  readonly role: string;
  readonly name: string;
  readonly expiresIn?: string;
}

export interface TokenListOptions {
  readonly json: boolean;
}

/**
 * `vigil token create|list|revoke`: API tokens, straight in the database (DATABASE_URL, or the
 * embedded one), so the first token can be made before any exists. The token is printed once, on
 * stdout, alone on its line; only its SHA-256 is stored. Changes are audited as `cli:<os user>`.
 */
export async function tokenCreateCommand(opts: TokenCreateOptions, io: CliIo): Promise<number> {
  const problem = !isRole(opts.role) ? `--role must be one of ${ROLES.join(', ')}` : tokenNameProblem(opts.name);
  const expiresIn = opts.expiresIn === undefined ? undefined : parseDuration(opts.expiresIn);
  if (problem ?? (opts.expiresIn !== undefined && !expiresIn)) {
    io.err(`vigil token create: ${problem ?? `--expires-in "${opts.expiresIn}" is not a duration such as 90d or 12h`}\n`);
    return EXIT.usage;
  }
  const role = opts.role as Role;
  const token = formatApiToken(randomBytes(TOKEN_BYTES));
  return commandWithDatabase(io, 'token', async (repos) => {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const command = `vigil token create --role ${role} --name ${opts.name}${expiresIn ? ` --expires-in ${formatDuration(expiresIn)}` : ''}`;
    try {
      const created = await repos.tokens.create({ name: opts.name, role, tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: actor(), expiresAt });
      await audit(repos, 'token create', command, EXIT.ok, created.id, { name: created.name, role, prefix: created.prefix, expiresAt: expiresAt?.toISOString() ?? null });
      io.err(`created ${role} token "${created.name}" (${created.prefix}…)${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}. It is shown once, below, and never again: store it now.\n`);
      io.out(`${token}\n`);
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof TokenNameTakenError)) throw err;
      await audit(repos, 'token create', command, EXIT.problems, null, { name: opts.name, error: err.message });
      io.err(`vigil token create: ${err.message}\n`);
      return EXIT.problems;
    }
  });
}

export async function tokenListCommand(opts: TokenListOptions, io: CliIo): Promise<number> {
  return commandWithDatabase(io, 'token', async (repos) => {
    const tokens = await repos.tokens.list();
    io.out(opts.json ? `${JSON.stringify(tokens.map(toJson), null, 2)}\n` : table(tokens));
    return EXIT.ok;
  });
}

export async function tokenRevokeCommand(name: string, io: CliIo): Promise<number> {
  return commandWithDatabase(io, 'token', async (repos) => {
    const revoked = await repos.tokens.revoke(name);
    const command = `vigil token revoke ${name}`;
    if (!revoked) {
      await audit(repos, 'token revoke', command, EXIT.problems, null, { name, error: 'no such active token' });
      io.err(`vigil token revoke: no active token named "${name}"\n`);
      return EXIT.problems;
    }
    await audit(repos, 'token revoke', command, EXIT.ok, revoked.id, { name, role: revoked.role, prefix: revoked.prefix });
    io.out(`revoked ${revoked.role} token "${name}" (${revoked.prefix}…); running servers refuse it within 5 s\n`);
    return EXIT.ok;
  });
}

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // No passwd entry (some containers): the uid is still someone.
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

function audit(repos: CliRepositories, route: string, path: string, status: number, tokenId: string | null, detail: Record<string, unknown>): Promise<void> {
  return repos.audit.append({ actor: actor(), tokenId, role: null, method: 'CLI', route, path, status, requestId: null, detail });
}

function toJson(t: ApiToken) {
  return {
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

function table(tokens: readonly ApiToken[]): string {
  if (tokens.length === 0) return 'no tokens; create one with: vigil token create --role admin --name <name>\n';
  const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
  const rows = [
    ['NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED'],
    ...tokens.map((t) => [t.name, t.role, `${t.prefix}…`, when(t.createdAt), when(t.lastUsedAt), when(t.expiresAt), when(t.revokedAt)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
