import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock, type Clock } from '../../src/core/ports/clock.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { adminTokenEnv, bearer } from './auth.js';
import { vigil } from './cli.js';
import { PagerDutyContractServer } from './pagerduty-contract-server.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';
import { SlackContractServer } from './slack-contract-server.js';
import { SmtpSink } from './smtp-sink.js';
import { makeTestCertificates } from './test-ca.js';
import { until } from './until.js';

export const SLACK_TOKEN = 'xoxb-test-0000000000-abcdefghijklmnop';
export const SLACK_SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const PD_WEBHOOK_SECRET = 'pd-webhook-secret-for-tests';
/** Events v2 routing keys are 32 characters. */
export const PD_KEY_PRIMARY = 'R0UT1NGKEYPR1MARY000000000000001';
export const PD_KEY_TEAM = 'R0UT1NGKEYTEAM000000000000000002';

export interface RigSpecOptions {
  /** Seconds; level 2's offset. */
  readonly level2After?: number;
  readonly repeat?: number;
  readonly repeatAfter?: number;
  readonly ackTimeout?: number;
  readonly flapWindow?: number;
  readonly staleAfter?: number;
  /** Alertmanager API URLs Vigil asks about alerts gone quiet, and after how long (seconds). */
  readonly alertmanagers?: readonly string[];
  readonly silenceCheckAfter?: number;
  /** `sinks.pagerduty.eventsUrl`; the rig's contract server when missing (a SilentServer holds an attempt in flight). */
  readonly pagerdutyUrl?: string;
  /** Routes tried before the `critical` one (first match wins). */
  readonly extraRoutes?: readonly { readonly name: string; readonly matchers: readonly string[]; readonly policy: string }[];
  /** Overrides of the primary schedule, instants RFC 3339. */
  readonly primaryOverrides?: readonly { readonly person: string; readonly from: string; readonly to: string }[];
  /** `maintenance:` windows; matchers as Alertmanager writes them, instants RFC 3339. */
  readonly maintenance?: readonly { readonly name: string; readonly matchers: readonly string[]; readonly from: string; readonly to: string }[];
}

export interface RigOptions {
  /**
   * One clock for the apps (their default in `startApp`) and for the contract servers' fault
   * windows, so "429 for two minutes" is two minutes of the time the test drives.
   */
  readonly clock?: Clock;
}

/**
 * Everything an incident scenario needs, on loopback: a real PostgreSQL, the PagerDuty and Slack
 * contract servers, a real SMTP server, a secrets folder, and Vigil apps started on them with an
 * OnCall spec that points every sink at the local servers.
 */
export class IncidentRig {
  readonly apps: NestFastifyApplication[] = [];
  readonly logs: string[] = [];
  private pool?: pg.Pool;

  private constructor(
    readonly work: string,
    readonly db: TestPostgres,
    readonly pd: PagerDutyContractServer,
    readonly slack: SlackContractServer,
    readonly smtp: SmtpSink,
    readonly clock: Clock | undefined,
  ) {}

  static async start(name: string, options: RigOptions = {}): Promise<IncidentRig> {
    const clock = options.clock;
    const now = clock ? () => clock.now().getTime() : Date.now;
    const work = await mkdtemp(join(tmpdir(), 'vigil-incidents-'));
    await chmod(work, 0o755);
    // The SMTP server offers STARTTLS with a certificate of its own test CA: Vigil requires TLS by default.
    const smtpCerts = await makeTestCertificates();
    const [db, pd, slack, smtp] = await Promise.all([
      startTestPostgres(`vigil_${name}_test`),
      PagerDutyContractServer.start({ now }),
      SlackContractServer.start({ token: SLACK_TOKEN, channels: { 'alerts-critical': 'C0CRITICAL', 'alerts-warning': 'C0WARNING' }, members: ['U0ALICE', 'U0BOB'], now }),
      SmtpSink.start({ tls: smtpCerts }),
    ]);
    const rig = new IncidentRig(work, db, pd, slack, smtp, clock);
    await mkdir(join(work, 'secrets'));
    await Promise.all([
      writeFile(join(work, 'secrets', 'pd-primary'), PD_KEY_PRIMARY),
      writeFile(join(work, 'secrets', 'pd-team'), PD_KEY_TEAM),
      writeFile(join(work, 'secrets', 'slack-token'), SLACK_TOKEN),
      writeFile(join(work, 'secrets', 'slack-signing'), SLACK_SIGNING_SECRET),
      writeFile(join(work, 'secrets', 'pd-webhook'), PD_WEBHOOK_SECRET),
      writeFile(join(work, 'secrets', 'webhook'), 'whsec-incident-webhook-secret'),
      writeFile(join(work, 'extra-ca.pem'), `${pd.caPem}\n${smtpCerts.caPem}`),
    ]);
    return rig;
  }

  /**
   * The OnCall spec of the scenarios: alice (primary) and bob (secondary) in one-week rotations;
   * critical alerts page the team's PagerDuty service, #alerts-critical and the primary at once,
   * the secondary at `level2After`; warnings go to #alerts-warning; failures fall back to e-mail.
   */
  spec(o: RigSpecOptions = {}): string {
    const s = (n: number) => `${n}s`;
    return `apiVersion: vigil/v1
kind: OnCall
people:
  - name: alice
    email: alice@example.com
    slackUser: U0ALICE
    pagerduty: { routingKey: { file: ${join(this.work, 'secrets', 'pd-primary')} } }
  - name: bob
    email: bob@example.com
    slackUser: U0BOB
schedules:
  - name: primary
    timeZone: Europe/Berlin
    rotations:
      - { name: weekly, type: weekly, start: 2026-01-05T09:00, participants: [alice] }
${o.primaryOverrides?.length ? `    overrides:\n${o.primaryOverrides.map((v) => `      - { person: ${v.person}, from: ${v.from}, to: ${v.to} }\n`).join('')}` : ''}  - name: secondary
    timeZone: Europe/Berlin
    rotations:
      - { name: weekly, type: weekly, start: 2026-01-05T09:00, participants: [bob] }
policies:
  - name: critical
    levels:
      - after: 0s
        targets:
          - pagerduty: { routingKey: { file: ${join(this.work, 'secrets', 'pd-team')} } }
          - slackChannel: '#alerts-critical'
          - schedule: primary
      - after: ${s(o.level2After ?? 900)}
        targets: [{ schedule: secondary }]
    repeat: ${o.repeat ?? 0}
    repeatAfter: ${s(o.repeatAfter ?? 900)}
${o.ackTimeout ? `    ackTimeout: ${s(o.ackTimeout)}\n` : ''}    fallback: [{ email: oncall-fallback@example.com }]
  - name: warning
    levels:
      - targets: [{ slackChannel: '#alerts-warning' }]
routes:
${(o.extraRoutes ?? []).map((r) => `  - { name: ${r.name}, matchers: [${quoted(r.matchers)}], policy: ${r.policy} }\n`).join('')}  - { name: critical, matchers: ['severity="critical"'], policy: critical }
defaultPolicy: warning
sinks:
  pagerduty:
    eventsUrl: ${o.pagerdutyUrl ?? this.pd.url}
    webhookSecret: { file: ${join(this.work, 'secrets', 'pd-webhook')} }
  slack:
    apiUrl: ${this.slack.apiUrl}
    token: { file: ${join(this.work, 'secrets', 'slack-token')} }
    signingSecret: { file: ${join(this.work, 'secrets', 'slack-signing')} }
  email:
    host: 127.0.0.1
    port: ${this.smtp.port}
    from: vigil@example.com
  webhook:
    secret: { file: ${join(this.work, 'secrets', 'webhook')} }
incidents:
  flapWindow: ${s(o.flapWindow ?? 1800)}
  staleAfter: ${s(o.staleAfter ?? 18000)}
${o.alertmanagers ? `  alertmanagers: [${o.alertmanagers.join(', ')}]\n` : ''}${o.silenceCheckAfter ? `  silenceCheckAfter: ${s(o.silenceCheckAfter)}\n` : ''}${maintenance(o.maintenance)}`;
  }

  /**
   * A token of role `ingest` made the way an operator makes Alertmanager's (`vigil token create
   * --role ingest`, in-process, against the rig's database), as the CLI prints it.
   */
  async ingestToken(name: string): Promise<string> {
    // The CLI finds its database the way the service does: DATABASE_URL.
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = this.db.url;
    try {
      const r = await vigil(this.work, 'token', 'create', '--role', 'ingest', '--name', name);
      if (r.code !== 0) throw new Error(`vigil token create --role ingest failed (${r.code}): ${r.err}`);
      return r.out.trim();
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  }

  /** Starts a Vigil app on the rig's database with `spec` as its only spec file; on the rig's clock unless given another. */
  async startApp(spec: string, env: Record<string, string> = {}, clock: Clock | undefined = this.clock): Promise<NestFastifyApplication> {
    const root = await mkdtemp(join(this.work, 'app-'));
    await mkdir(join(root, 'slos'));
    await mkdir(join(root, 'out'));
    await writeFile(join(root, 'slos', 'oncall.yaml'), spec);
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: this.db.url,
      VIGIL_SLOS_DIR: join(root, 'slos'),
      // A drills folder that does not exist: by default the repository's drills/ would be read from the working directory.
      VIGIL_DRILLS_DIR: join(root, 'drills'),
      VIGIL_OUT_DIR: join(root, 'out'),
      LOG_LEVEL: 'debug',
      VIGIL_EXTRA_CA_FILE: join(this.work, 'extra-ca.pem'),
      VIGIL_PAGE_BACKOFF_SECONDS: '1',
      VIGIL_PAGE_TIMEOUT_MS: '3000',
      VIGIL_JOB_POLL_MS: '200',
      VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      ...(await adminTokenEnv(root)),
      ...env,
    });
    const app = await createApp(config, { logWrite: (line) => this.logs.push(line), ...(clock ? { clock } : {}) });
    this.apps.push(app);
    // PORT in `env` picks the port (a peer such as Alertmanager must know it first); 0 otherwise.
    await app.listen(config.port, '127.0.0.1');
    return app;
  }

  /** One query on the rig's database, outside any app: what the tables say, not what an API renders. */
  async query<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.db.url, max: 2 });
      // pool.end() resolves once idle clients are told to end, not when their sockets close; the
      // server's fast shutdown in close() can then terminate one, and the pool re-emits that error.
      // Without a listener it would throw into whichever test runs next.
      this.pool.on('error', () => undefined);
    }
    return (await this.pool.query<R>(sql, params)).rows;
  }

  /**
   * The barrier of clock-driven scenarios: every app's worker has run what is due, and the jobs
   * table holds nothing running and nothing pending that is due at the rig clock's now. Whatever
   * has not happened by then will not happen until the clock moves. Several apps on one database
   * can hand work to each other, hence the loop until the table itself says it is quiet.
   */
  async settle(apps: readonly NestFastifyApplication[] = this.apps, timeoutMs = 30_000): Promise<void> {
    if (!this.clock) throw new Error('settle() needs the rig started with a clock');
    const clock = this.clock;
    await until('the jobs table to be quiet', async () => {
      await Promise.all(apps.map((a) => a.get(JobWorker).drain()));
      const busy = await this.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE state = 'running' OR (state = 'pending' AND run_at <= $1)`, [clock.now()]);
      return Number(busy[0]!.n) === 0;
    }, timeoutMs, 0);
  }

  /** Moves the rig's clock by `seconds` and settles. */
  async advance(seconds: number, apps: readonly NestFastifyApplication[] = this.apps): Promise<Date> {
    const clock = this.clock;
    if (!(clock instanceof ManualClock)) throw new Error('advance() needs the rig started with a ManualClock');
    const at = clock.advance(seconds);
    await this.settle(apps);
    return at;
  }

  async close(): Promise<void> {
    for (const app of [...this.apps].reverse()) await app.close().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    await Promise.all([this.pd.close(), this.slack.close(), this.smtp.close()]);
    await this.db.stop();
    await rm(this.work, { recursive: true, force: true });
  }
}

export interface IncidentJson {
  id: string;
  status: string;
  flapCount: number;
  alerts: { fingerprint: string; state: string; reason: string | null }[];
  timeline: { kind: string; actor: string; message: string; at: string; detail?: Record<string, unknown> }[];
  pages: { id: string; sink: string; action: string; status: string; attempts: number; level: number; lastError: string | null }[];
}

export async function incident(app: NestFastifyApplication, id: string): Promise<IncidentJson> {
  const res = await request(app.getHttpServer()).get(`/api/incidents/${id}`).set(bearer()).expect(200);
  return res.body as IncidentJson;
}

/** Waits until the incident's timeline holds `count` entries of `kind`. */
export async function timelineHas(app: NestFastifyApplication, id: string, kind: string, count = 1, timeoutMs = 30_000): Promise<IncidentJson> {
  return until(`${count} × ${kind} on incident ${id}`, async () => {
    const i = await incident(app, id);
    return i.timeline.filter((e) => e.kind === kind).length >= count ? i : undefined;
  }, timeoutMs);
}

/** Posts an Alertmanager notification the way Alertmanager does (with the bearer credential). */
export function postAlerts(app: NestFastifyApplication, body: Record<string, unknown>): request.Test {
  return request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(body);
}

export interface PdEvent {
  readonly action: string;
  readonly routingKey: string;
  readonly dedupKey: string | undefined;
  /** The contract server's answer; 0 when it never answered. */
  readonly status: number;
}

/** What the PagerDuty contract server received, in arrival order, optionally for one routing key. */
export function pdEvents(pd: PagerDutyContractServer, routingKey?: string): PdEvent[] {
  return pd.received.entries
    .map((e) => {
      const b = e.body as { event_action?: string; routing_key?: string; dedup_key?: string };
      return { action: b.event_action ?? '', routingKey: b.routing_key ?? '', dedupKey: b.dedup_key, status: e.answer === 'none' ? 0 : e.answer.status };
    })
    .filter((e) => routingKey === undefined || e.routingKey === routingKey);
}

/** An Alertmanager v4 notification as Alertmanager 0.25 sends it. */
export function amNotification(groupKey: string, alerts: { labels: Record<string, string>; status?: 'firing' | 'resolved'; startsAt?: string; annotations?: Record<string, string> }[]): Record<string, unknown> {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  return {
    receiver: 'vigil',
    status,
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? { summary: `${a.labels.alertname} on ${a.labels.service}` },
      startsAt: a.startsAt ?? '2026-11-29T10:00:00Z',
      endsAt: (a.status ?? 'firing') === 'resolved' ? '2026-11-29T10:05:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
    })),
    groupLabels: { alertname: alerts[0]!.labels.alertname },
    commonLabels: alerts[0]!.labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}

function maintenance(windows: RigSpecOptions['maintenance']): string {
  if (!windows?.length) return '';
  return `maintenance:\n${windows.map((w) => `  - { name: ${w.name}, matchers: [${quoted(w.matchers)}], from: ${w.from}, to: ${w.to} }\n`).join('')}`;
}

/** Matchers hold double quotes: single-quoted YAML scalars keep them as they are. */
function quoted(matchers: readonly string[]): string {
  return matchers.map((m) => `'${m.replace(/'/g, "''")}'`).join(', ');
}
