import { hostname } from 'node:os';
import { EMPTY_ALLOW_LIST } from '../core/webhooks/target-policy.js';
import { ConfigError, DATABASE_URL_REQUIRED, enabledLogLevels, loadConfig, redactUrl } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      slosDir: 'slos',
      drillsDir: 'drills',
      drillWorkDir: '.vigil/drills',
      outDir: '.',
      dataDir: '.vigil',
      logLevel: 'log',
      prometheusTimeoutSeconds: 30,
      budgetIntervalSeconds: 60,
      snapshotRetentionSeconds: 35 * 86400,
      webhookMaxEndpoints: 100,
      webhookAllowList: EMPTY_ALLOW_LIST,
      replicaId: `${hostname()}:${process.pid}`,
      jobConcurrency: 8,
      jobPollMs: 1000,
      jobRetentionSeconds: 14 * 86400,
      databaseQueryTimeoutSeconds: 15,
      ingestMaxInFlight: 64,
      pageTimeoutMs: 10_000,
      pageBackoffSeconds: 2,
      prometheusAuth: {},
      sessionTtlSeconds: 12 * 3600,
      eventsHeartbeatSeconds: 15,
    });
  });

  it.each([
    ['an empty DATABASE_URL means unset (embedded database)', { DATABASE_URL: '' }, 'databaseUrl', undefined],
    ['PORT 0 asks the OS for a free port', { PORT: '0' }, 'port', 0],
    ['LOG_LEVEL info is Nest\'s log', { LOG_LEVEL: 'info' }, 'logLevel', 'log'],
    ['a postgresql:// URL is taken as is', { DATABASE_URL: 'postgresql://u:p@db:5432/vigil' }, 'databaseUrl', 'postgresql://u:p@db:5432/vigil'],
    ['PROMETHEUS_URL turns budgets on', { PROMETHEUS_URL: 'http://127.0.0.1:9090' }, 'prometheusUrl', 'http://127.0.0.1:9090'],
    ['VIGIL_BUDGET_INTERVAL takes the spec duration syntax', { VIGIL_BUDGET_INTERVAL: '30s' }, 'budgetIntervalSeconds', 30],
    ['VIGIL_SNAPSHOT_RETENTION in days', { VIGIL_SNAPSHOT_RETENTION: '90d' }, 'snapshotRetentionSeconds', 90 * 86400],
    ['HOST opens the listener to other interfaces', { HOST: '0.0.0.0' }, 'host', '0.0.0.0'],
    ['VIGIL_REPLICA_ID names this replica in job runs', { VIGIL_REPLICA_ID: 'vigil-7d9f-abc12' }, 'replicaId', 'vigil-7d9f-abc12'],
    ['VIGIL_JOB_RETENTION in days', { VIGIL_JOB_RETENTION: '30d' }, 'jobRetentionSeconds', 30 * 86400],
    ['DATABASE_QUERY_TIMEOUT in seconds', { DATABASE_QUERY_TIMEOUT: '5s' }, 'databaseQueryTimeoutSeconds', 5],
    ['VIGIL_ADMIN_TOKEN_FILE names the first admin token\'s file', { VIGIL_ADMIN_TOKEN_FILE: '/run/secrets/vigil-admin' }, 'adminTokenFile', '/run/secrets/vigil-admin'],
    ['an empty VIGIL_ADMIN_TOKEN_FILE means unset', { VIGIL_ADMIN_TOKEN_FILE: '' }, 'adminTokenFile', undefined],
    ['VIGIL_SESSION_TTL bounds a web UI sign-in', { VIGIL_SESSION_TTL: '8h' }, 'sessionTtlSeconds', 8 * 3600],
    ['VIGIL_EVENTS_HEARTBEAT spaces the live-update heartbeats', { VIGIL_EVENTS_HEARTBEAT: '30s' }, 'eventsHeartbeatSeconds', 30],
    ['VIGIL_GRAFANA_URL turns on dashboard links', { VIGIL_GRAFANA_URL: 'https://grafana.example.com' }, 'grafanaUrl', 'https://grafana.example.com'],
  ] as const)('%s', (_, env, key, value) => {
    expect(loadConfig(env)[key]).toBe(value);
  });

  it.each([
    ['PORT that is not a number', { PORT: 'http' }, /PORT: must be a number/],
    ['PORT out of range', { PORT: '70000' }, /PORT: /],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
    ['a DATABASE_URL of another scheme', { DATABASE_URL: 'mysql://u:hunter2@db/x' }, /DATABASE_URL: must be a postgres/],
    ['a PROMETHEUS_URL that is not http(s)', { PROMETHEUS_URL: 'prometheus:9090' }, /PROMETHEUS_URL: must be an http/],
    ['a VIGIL_BUDGET_INTERVAL that is not a duration', { VIGIL_BUDGET_INTERVAL: 'often' }, /VIGIL_BUDGET_INTERVAL: must be a duration/],
    ['a VIGIL_SNAPSHOT_RETENTION under an hour', { VIGIL_SNAPSHOT_RETENTION: '10m' }, /VIGIL_SNAPSHOT_RETENTION: must be a duration of at least 1h/],
    ['a VIGIL_EVENTS_HEARTBEAT that is not a duration', { VIGIL_EVENTS_HEARTBEAT: 'sometimes' }, /VIGIL_EVENTS_HEARTBEAT: must be a duration of at least 1s/],
    ['a VIGIL_SESSION_TTL under a minute', { VIGIL_SESSION_TTL: '30s' }, /VIGIL_SESSION_TTL: must be a duration of at least 1m/],
    ['a VIGIL_RUNBOOK_BASE_URL that is not http(s)', { VIGIL_RUNBOOK_BASE_URL: 'git@github.com:x/y' }, /VIGIL_RUNBOOK_BASE_URL: must be an http/],
    ['a HOST with a space', { HOST: '0.0.0.0 ; rm' }, /HOST: must be an IP address or host name/],
    ['a VIGIL_JOB_CONCURRENCY of 0', { VIGIL_JOB_CONCURRENCY: '0' }, /VIGIL_JOB_CONCURRENCY: must be at least 1/],
    ['a VIGIL_WEBHOOK_MAX_ENDPOINTS that is not whole', { VIGIL_WEBHOOK_MAX_ENDPOINTS: '2.5' }, /VIGIL_WEBHOOK_MAX_ENDPOINTS: must be a whole number/],
    ['a VIGIL_WEBHOOK_ALLOWED_HOSTS entry that is not a host, IP or CIDR', { VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,10.1.2.3/8' }, /VIGIL_WEBHOOK_ALLOWED_HOSTS: "10\.1\.2\.3\/8": has bits set after the first 8; did you mean 10\.0\.0\.0\/8\?/],
  ])('refuses %s with a message naming the variable', (_, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['unset', {}],
    ['empty, as in a unit file', { DATABASE_URL: '' }],
  ])('refuses NODE_ENV=production with DATABASE_URL %s, naming the variable and why', (_, env) => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...env })).toThrow(new ConfigError([DATABASE_URL_REQUIRED]));
    expect(DATABASE_URL_REQUIRED).toMatch(/^DATABASE_URL: required when NODE_ENV=production; the embedded PostgreSQL is for laptops and demos/);
  });

  it.each([
    ['production with a DATABASE_URL', { NODE_ENV: 'production', DATABASE_URL: 'postgresql://u:p@db:5432/vigil' }, 'postgresql://u:p@db:5432/vigil'],
    ['development without one (the embedded database)', { NODE_ENV: 'development' }, undefined],
    ['no NODE_ENV without one (npm start on a laptop)', {}, undefined],
  ])('starts in %s', (_, env, url) => {
    expect(loadConfig(env).databaseUrl).toBe(url);
  });

  it('reads VIGIL_WEBHOOK_ALLOWED_HOSTS into an allow-list', () => {
    expect(loadConfig({ VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, hooks.internal' }).webhookAllowList.hosts).toEqual(['hooks.internal']);
    expect(loadConfig({ VIGIL_WEBHOOK_ALLOWED_HOSTS: '' }).webhookAllowList).toEqual(EMPTY_ALLOW_LIST);
  });

  it('never repeats the DATABASE_URL value (it may hold a password) in its error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgresql://vigil:s3cret@db:5432/vigil', 'postgresql://vigil:***@db:5432/vigil'],
    ['postgres://db/vigil', 'postgres://db/vigil'],
    ['not a url', '<unparseable url>'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});

describe('enabledLogLevels', () => {
  it.each([
    ['error', ['fatal', 'error']],
    ['log', ['fatal', 'error', 'warn', 'log']],
    ['verbose', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('%s enables itself and everything more severe', (level, levels) => {
    expect(enabledLogLevels(level)).toEqual(levels);
  });
});
