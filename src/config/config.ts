import { z } from 'zod';

/** Log levels operators may set; `info` is accepted because every other tool calls it that. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose'] as const;
export type NestLogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

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
});

export interface VigilConfig {
  readonly port: number;
  /** Unset: Vigil runs its own PostgreSQL under `dataDir`. */
  readonly databaseUrl?: string;
  readonly slosDir: string;
  readonly outDir: string;
  readonly dataDir: string;
  readonly logLevel: NestLogLevel;
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
