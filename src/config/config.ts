import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.js';

/** Log levels operators may set; `info` is accepted because every other tool calls it that. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose'] as const;
export type NestLogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** A duration such as 30s, 1m, 35d (the spec's own syntax), as seconds, at least `min`. */
const duration = (min: number) =>
  z.string().transform((v, ctx) => {
    const seconds = parseDuration(v);
    if (seconds === undefined || seconds < min) {
      ctx.addIssue({ code: 'custom', message: `must be a duration of at least ${formatDuration(min)}, e.g. 1m or 35d` });
      return z.NEVER;
    }
    return seconds;
  });

// An empty variable (`DATABASE_URL=` in a unit file) means "not set", not "set to nothing".
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const envSchema = z.object({
  PORT: optional(z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(65535)),
  // The value is never echoed in errors: it carries the password.
  DATABASE_URL: optional(
    z.string().refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
      error: 'must be a postgres:// or postgresql:// URL (value not shown: it may hold a password)',
    }),
  ),
  VIGIL_SLOS_DIR: optional(z.string()),
  VIGIL_OUT_DIR: optional(z.string()),
  VIGIL_DATA_DIR: optional(z.string()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  PROMETHEUS_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  PROMETHEUS_TIMEOUT: optional(duration(1)),
  VIGIL_BUDGET_INTERVAL: optional(duration(1)),
  VIGIL_SNAPSHOT_RETENTION: optional(duration(3600)),
  VIGIL_WEBHOOK_BACKOFF_MS: optional(z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1)),
  VIGIL_WEBHOOK_TIMEOUT_MS: optional(z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1)),
  VIGIL_ADMIN_TOKEN_FILE: optional(z.string()),
});

export interface VigilConfig {
  readonly port: number;
  /** Unset: Vigil runs its own PostgreSQL under `dataDir`. */
  readonly databaseUrl?: string;
  readonly slosDir: string;
  readonly outDir: string;
  readonly dataDir: string;
  readonly logLevel: NestLogLevel;
  /** Prometheus-compatible API budgets are read from; unset: no budget cycles (the API says so). */
  readonly prometheusUrl?: string;
  /** Time limit of one Prometheus query, seconds. */
  readonly prometheusTimeoutSeconds: number;
  /** Seconds between budget cycles. */
  readonly budgetIntervalSeconds: number;
  /** Budget snapshots older than this (seconds) are deleted; day rows, which reports read, are kept. */
  readonly snapshotRetentionSeconds: number;
  /** Wait before a webhook's second attempt (×4 before the third); unset: 2000 ms (docs/webhooks.md). */
  readonly webhookBackoffMs?: number;
  /** Time limit of one webhook attempt; unset: 10000 ms. */
  readonly webhookTimeoutMs?: number;
  /**
   * A file holding an API token (`vgl_…`) that is made the admin token named `admin-from-file` at
   * every start: how a fresh install gets its first token, and how that token is rotated.
   */
  readonly adminTokenFile?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every later reader gets typed values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT ?? 3000,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    slosDir: e.VIGIL_SLOS_DIR ?? 'slos',
    outDir: e.VIGIL_OUT_DIR ?? '.',
    dataDir: e.VIGIL_DATA_DIR ?? '.vigil',
    logLevel: e.LOG_LEVEL === 'info' ? 'log' : (e.LOG_LEVEL ?? 'log'),
    ...(e.PROMETHEUS_URL ? { prometheusUrl: e.PROMETHEUS_URL } : {}),
    prometheusTimeoutSeconds: e.PROMETHEUS_TIMEOUT ?? 30,
    budgetIntervalSeconds: e.VIGIL_BUDGET_INTERVAL ?? 60,
    snapshotRetentionSeconds: e.VIGIL_SNAPSHOT_RETENTION ?? 35 * 86400,
    ...(e.VIGIL_WEBHOOK_BACKOFF_MS !== undefined ? { webhookBackoffMs: e.VIGIL_WEBHOOK_BACKOFF_MS } : {}),
    ...(e.VIGIL_WEBHOOK_TIMEOUT_MS !== undefined ? { webhookTimeoutMs: e.VIGIL_WEBHOOK_TIMEOUT_MS } : {}),
    ...(e.VIGIL_ADMIN_TOKEN_FILE ? { adminTokenFile: e.VIGIL_ADMIN_TOKEN_FILE } : {}),
  };
}

/** The URL as it may be logged: the password replaced, everything else kept for diagnosis. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Nest enables levels by listing them; a level enables itself and everything more severe. */
export function enabledLogLevels(level: NestLogLevel): NestLogLevel[] {
  const order: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

/** DI token for the validated config; a symbol because VigilConfig is an interface. */
export const VIGIL_CONFIG = Symbol('VIGIL_CONFIG');
