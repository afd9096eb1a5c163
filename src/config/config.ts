import { hostname } from 'node:os';
import { z } from 'zod';
import { prometheusAuthFromEnv, type PrometheusAuth } from './prometheus-auth.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { EMPTY_ALLOW_LIST, parseAllowList, type AllowList } from '../core/webhooks/target-policy.js';

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

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const envSchema = z.object({
  NODE_ENV: optional(z.string()),
  PORT: optional(wholeNumber(0, 65535)),
  HOST: optional(z.string().regex(/^[0-9A-Za-z.:[\]-]+$/, 'must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0')),
  // The value is never echoed in errors: it carries the password.
  DATABASE_URL: optional(
    z.string().refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
      error: 'must be a postgres:// or postgresql:// URL (value not shown: it may hold a password)',
    }),
  ),
  VIGIL_SLOS_DIR: optional(z.string()),
  VIGIL_DRILLS_DIR: optional(z.string()),
  VIGIL_DRILL_WORK_DIR: optional(z.string()),
  VIGIL_OUT_DIR: optional(z.string()),
  VIGIL_DATA_DIR: optional(z.string()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  PROMETHEUS_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  PROMETHEUS_TIMEOUT: optional(duration(1)),
  VIGIL_BUDGET_INTERVAL: optional(duration(1)),
  VIGIL_SNAPSHOT_RETENTION: optional(duration(3600)),
  VIGIL_WEBHOOK_BACKOFF_MS: optional(wholeNumber(1)),
  VIGIL_WEBHOOK_TIMEOUT_MS: optional(wholeNumber(1)),
  VIGIL_WEBHOOK_MAX_ENDPOINTS: optional(wholeNumber(1, 100_000)),
  VIGIL_REPLICA_ID: optional(z.string().regex(/^[\w.:@-]{1,128}$/, 'must be 1–128 letters, digits or . : @ - _')),
  VIGIL_JOB_CONCURRENCY: optional(wholeNumber(1, 256)),
  VIGIL_JOB_POLL_MS: optional(wholeNumber(10, 60_000)),
  VIGIL_JOB_RETENTION: optional(duration(3600)),
  DATABASE_QUERY_TIMEOUT: optional(duration(1)),
  VIGIL_WEBHOOK_ALLOWED_HOSTS: optional(
    z.string().transform((v, ctx) => {
      const parsed = parseAllowList(v);
      if (parsed.ok) return parsed.allowList;
      for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }),
  ),
  VIGIL_ADMIN_TOKEN_FILE: optional(z.string()),
  VIGIL_INGEST_MAX_INFLIGHT: optional(wholeNumber(1, 10_000)),
  VIGIL_PAGE_TIMEOUT_MS: optional(wholeNumber(100, 120_000)),
  VIGIL_PAGE_BACKOFF_SECONDS: optional(wholeNumber(1, 3600)),
  VIGIL_EXTRA_CA_FILE: optional(z.string()),
  // Longer than a working day would make a forgotten browser a standing credential.
  VIGIL_SESSION_TTL: optional(duration(60)),
  VIGIL_EVENTS_HEARTBEAT: optional(duration(1)),
  VIGIL_GRAFANA_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  VIGIL_RUNBOOK_BASE_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  VIGIL_WEB_DIR: optional(z.string()),
});

export interface VigilConfig {
  readonly port: number;
  /** Address the HTTP server binds; loopback unless the operator opens it (README: why). */
  readonly host: string;
  /** Unset: Vigil runs its own PostgreSQL under `dataDir`. */
  readonly databaseUrl?: string;
  readonly slosDir: string;
  /** DR drill specs (kind: Drill, docs/drill-spec.md); a missing folder means no drills. */
  readonly drillsDir: string;
  /** Scratch clusters (as big as the database restored) and heartbeat ledgers; default `<dataDir>/drills`. */
  readonly drillWorkDir: string;
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
  /** Most webhook endpoints that may be registered. */
  readonly webhookMaxEndpoints: number;
  /** This process in job runs and claims: the pod name in Kubernetes (hostname), plus the pid. */
  readonly replicaId: string;
  /** Jobs this replica runs at once. */
  readonly jobConcurrency: number;
  /** Longest wait before a replica sees a job another one scheduled. */
  readonly jobPollMs: number;
  /** Finished jobs and their runs are deleted after this many seconds. */
  readonly jobRetentionSeconds: number;
  /** A database query that takes longer fails (and the API answers 503) instead of hanging. */
  readonly databaseQueryTimeoutSeconds: number;
  /** Webhook targets let through although the target policy refuses them; default none (docs/webhooks.md). */
  readonly webhookAllowList: AllowList;
  /**
   * A file holding an API token (`vgl_…`) that is made the admin token named `admin-from-file` at
   * every start: how a fresh install gets its first token, and how that token is rotated.
   */
  readonly adminTokenFile?: string;
  /** Alertmanager notifications being stored at once; past it the receiver answers 503 with Retry-After (Alertmanager retries 5xx). */
  readonly ingestMaxInFlight: number;
  /** Time limit of one page to PagerDuty, Slack, SMTP or a webhook. */
  readonly pageTimeoutMs: number;
  /** Wait before a page's second attempt; doubled each time up to 5 min (docs/incidents.md). */
  readonly pageBackoffSeconds: number;
  /**
   * PEM file of a CA trusted besides the system roots for PagerDuty and SMTP TLS: an egress proxy
   * or relay with an internal CA (and the tests' contract servers). Verification is never turned off.
   */
  readonly extraCaFile?: string;
  /** How to authenticate to PROMETHEUS_URL (bearer or basic, tenant, CA): PROMETHEUS_* variables, secrets as files. */
  readonly prometheusAuth: PrometheusAuth;
  /** How long a web UI sign-in lasts (never past its token's expiry). */
  readonly sessionTtlSeconds: number;
  /** Seconds between heartbeats of a live-update stream (GET /api/events); proxies close streams idle for longer than theirs (nginx: 60 s). */
  readonly eventsHeartbeatSeconds: number;
  /** Grafana the generated dashboards are applied to; the UI links to them there. Unset: no links. */
  readonly grafanaUrl?: string;
  /** Runbook paths in the specs (runbooks/x.md) are links under this URL in the UI; absolute runbook URLs are kept. */
  readonly runbookBaseUrl?: string;
  /** The built web UI (index.html and assets); unset: dist/web of this installation. */
  readonly webDir?: string;
}

/** The one line a production start without a database says (README, "Run it in Kubernetes"). */
export const DATABASE_URL_REQUIRED =
  'DATABASE_URL: required when NODE_ENV=production; the embedded PostgreSQL is for laptops and demos (set DATABASE_URL to your PostgreSQL server)';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every later reader gets typed values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const parsed = envSchema.safeParse(env);
  const prometheus = prometheusAuthFromEnv(env);
  if (!parsed.success || prometheus.problems.length > 0) {
    throw new ConfigError([...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []), ...prometheus.problems]);
  }
  const e = parsed.data;
  // The embedded PostgreSQL keeps its data in the process's own folder: fine on a laptop, lost with
  // the container in production, and one per replica. Refused before anything starts.
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL) throw new ConfigError([DATABASE_URL_REQUIRED]);
  return {
    port: e.PORT ?? 3000,
    host: e.HOST ?? '127.0.0.1',
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    slosDir: e.VIGIL_SLOS_DIR ?? 'slos',
    drillsDir: e.VIGIL_DRILLS_DIR ?? 'drills',
    drillWorkDir: e.VIGIL_DRILL_WORK_DIR ?? `${e.VIGIL_DATA_DIR ?? '.vigil'}/drills`,
    outDir: e.VIGIL_OUT_DIR ?? '.',
    dataDir: e.VIGIL_DATA_DIR ?? '.vigil',
    logLevel: e.LOG_LEVEL === 'info' ? 'log' : (e.LOG_LEVEL ?? 'log'),
    ...(e.PROMETHEUS_URL ? { prometheusUrl: e.PROMETHEUS_URL } : {}),
    prometheusTimeoutSeconds: e.PROMETHEUS_TIMEOUT ?? 30,
    budgetIntervalSeconds: e.VIGIL_BUDGET_INTERVAL ?? 60,
    snapshotRetentionSeconds: e.VIGIL_SNAPSHOT_RETENTION ?? 35 * 86400,
    ...(e.VIGIL_WEBHOOK_BACKOFF_MS !== undefined ? { webhookBackoffMs: e.VIGIL_WEBHOOK_BACKOFF_MS } : {}),
    ...(e.VIGIL_WEBHOOK_TIMEOUT_MS !== undefined ? { webhookTimeoutMs: e.VIGIL_WEBHOOK_TIMEOUT_MS } : {}),
    webhookMaxEndpoints: e.VIGIL_WEBHOOK_MAX_ENDPOINTS ?? 100,
    replicaId: e.VIGIL_REPLICA_ID ?? `${hostname()}:${process.pid}`,
    jobConcurrency: e.VIGIL_JOB_CONCURRENCY ?? 8,
    jobPollMs: e.VIGIL_JOB_POLL_MS ?? 1000,
    jobRetentionSeconds: e.VIGIL_JOB_RETENTION ?? 14 * 86400,
    databaseQueryTimeoutSeconds: e.DATABASE_QUERY_TIMEOUT ?? 15,
    webhookAllowList: e.VIGIL_WEBHOOK_ALLOWED_HOSTS ?? EMPTY_ALLOW_LIST,
    ...(e.VIGIL_ADMIN_TOKEN_FILE ? { adminTokenFile: e.VIGIL_ADMIN_TOKEN_FILE } : {}),
    ingestMaxInFlight: e.VIGIL_INGEST_MAX_INFLIGHT ?? 64,
    pageTimeoutMs: e.VIGIL_PAGE_TIMEOUT_MS ?? 10_000,
    pageBackoffSeconds: e.VIGIL_PAGE_BACKOFF_SECONDS ?? 2,
    ...(e.VIGIL_EXTRA_CA_FILE ? { extraCaFile: e.VIGIL_EXTRA_CA_FILE } : {}),
    prometheusAuth: prometheus.auth,
    sessionTtlSeconds: e.VIGIL_SESSION_TTL ?? 12 * 3600,
    eventsHeartbeatSeconds: e.VIGIL_EVENTS_HEARTBEAT ?? 15,
    ...(e.VIGIL_GRAFANA_URL ? { grafanaUrl: e.VIGIL_GRAFANA_URL } : {}),
    ...(e.VIGIL_RUNBOOK_BASE_URL ? { runbookBaseUrl: e.VIGIL_RUNBOOK_BASE_URL } : {}),
    ...(e.VIGIL_WEB_DIR ? { webDir: e.VIGIL_WEB_DIR } : {}),
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
