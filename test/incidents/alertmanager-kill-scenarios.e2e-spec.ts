import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { renderTestAlertmanagerConfig, startAlertmanager, type TestAlert, type TestAlertmanager } from '../support/alertmanager-server.js';
import { adminTokenEnv, TEST_ADMIN_TOKEN } from '../support/auth.js';
import { IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, type IncidentJson } from '../support/incident-rig.js';
import { PagerDutyContractServer, type ReceivedEvent } from '../support/pagerduty-contract-server.js';
import { SilentServer } from '../support/silent-server.js';
import { requestTaken } from '../support/socket-state.js';
import { until } from '../support/until.js';
import { VigilProcess } from '../support/vigil-process.js';

/**
 * Issue #9's crash scenarios: Vigil as production runs it (`node dist/main.js`, a child process)
 * behind the real Alertmanager 0.25 with the generated configuration, killed with SIGKILL at the
 * two moments that decide whether a page is lost or doubled, then started again on the same
 * database and port. Each scenario has a rig (PostgreSQL, PagerDuty, Slack, SMTP) of its own.
 */

const ALERTNAME = 'CheckoutBudgetBurn';
const GROUP_KEY = `{}:{alertname="${ALERTNAME}", service="checkout"}`;
/** Started long ago, so Alertmanager flushes the new group at once instead of after group_wait. */
const ALERT: TestAlert = {
  labels: { alertname: ALERTNAME, service: 'checkout', severity: 'critical', slo: 'availability' },
  annotations: { summary: 'checkout is burning its error budget' },
  startsAt: '2026-11-29T10:00:00Z',
};

type PdBody = { event_action: string; routing_key: string; dedup_key: string };
const pdBody = (e: ReceivedEvent) => e.body as PdBody;
const isAction = (action: string) => (e: ReceivedEvent) => pdBody(e).event_action === action;

/** One scenario's world: the rig, the Vigil processes it started, its Alertmanager, a fixed port. */
class KillWorld {
  readonly vigils: VigilProcess[] = [];
  am?: TestAlertmanager;
  private constructor(
    readonly rig: IncidentRig,
    readonly port: number,
    readonly ingestToken: string,
    readonly ingestTokenFile: string,
  ) {}

  static async start(name: string): Promise<KillWorld> {
    const rig = await IncidentRig.start(name);
    const token = await rig.ingestToken('alertmanager');
    const file = join(rig.work, 'vigil-ingest-token');
    await writeFile(file, `${token}\n`);
    return new KillWorld(rig, await freePort(), token, file);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `node dist/main.js` on the rig's database and this world's port, with `spec` as its OnCall spec. */
  async vigil(name: string, spec: string, env: Record<string, string> = {}): Promise<VigilProcess> {
    const dir = join(this.rig.work, name);
    await mkdir(join(dir, 'slos'), { recursive: true });
    await mkdir(join(dir, 'out'), { recursive: true });
    await writeFile(join(dir, 'slos', 'oncall.yaml'), spec);
    const p = new VigilProcess(
      {
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATABASE_URL: this.rig.db.url,
        VIGIL_SLOS_DIR: join(dir, 'slos'),
        // A drills folder that does not exist: by default the repository's drills/ would be read from the working directory.
        VIGIL_DRILLS_DIR: join(dir, 'drills'),
        VIGIL_OUT_DIR: join(dir, 'out'),
        VIGIL_DATA_DIR: join(dir, 'data'),
        VIGIL_REPLICA_ID: name,
        VIGIL_EXTRA_CA_FILE: join(this.rig.work, 'extra-ca.pem'),
        VIGIL_PAGE_BACKOFF_SECONDS: '1',
        VIGIL_PAGE_TIMEOUT_MS: '3000',
        VIGIL_JOB_POLL_MS: '200',
        VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        ...(await adminTokenEnv(dir)),
        ...env,
      },
      process.cwd(),
    );
    this.vigils.push(p);
    await p.ready();
    return p;
  }

  /** The real Alertmanager sending to this world's port; flushes every 2 s, debug log (it names each attempt). */
  async alertmanager(): Promise<TestAlertmanager> {
    const config = await renderTestAlertmanagerConfig({
      vigilUrl: `${this.url}/api/alerts/alertmanager`,
      credentialsFile: this.ingestTokenFile,
      groupWait: '1s',
      groupInterval: '2s',
      repeatInterval: '1h',
    });
    this.am = await startAlertmanager({ config, flags: ['--log.level=debug'] });
    return this.am;
  }

  async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}\nlog of the Vigil serving it:\n${this.vigils.at(-1)?.transcript()}`);
    return (await res.json()) as T;
  }

  /** The one incident of the group, once it exists. */
  async incidentOfGroup(): Promise<IncidentJson> {
    const ids = await until('the incident of the group', async () => {
      const rows = await this.sql<{ id: string }>(`SELECT id::text AS id FROM incidents WHERE group_key = $1`, [GROUP_KEY]);
      return rows.length > 0 ? rows.map((r) => r.id) : undefined;
    }, 60_000, 100);
    expect(ids).toHaveLength(1);
    return this.api<IncidentJson>(`/api/incidents/${ids[0]}`);
  }

  /**
   * Acknowledges and waits for PagerDuty's acknowledge on both keys at `pd`. A key's pages go out
   * one at a time, in order, so after its acknowledge no trigger of that key is still to come:
   * the barrier before counting triggers.
   */
  async acknowledgeAndDrain(id: string, pd: PagerDutyContractServer): Promise<void> {
    await this.api(`/api/incidents/${id}/ack`, { method: 'POST', body: JSON.stringify({ note: 'barrier' }) });
    const acks = await pd.received.waitFor(2, (e) => isAction('acknowledge')(e) && pdBody(e).dedup_key === `vigil-${id}`, 60_000);
    expect(acks.map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
  }

  async sql<T extends pg.QueryResultRow>(text: string, args: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.rig.db.url });
    await c.connect();
    try {
      return (await c.query<T>(text, args)).rows;
    } finally {
      await c.end();
    }
  }

  async close(): Promise<void> {
    for (const v of this.vigils) v.kill('SIGKILL');
    await Promise.all(this.vigils.map((v) => v.waitForExit(20_000).catch(() => undefined)));
    await this.am?.stop();
    // A paused server would not stop: resume is harmless when it was not paused.
    await this.rig.db.resume().catch(() => undefined);
    await this.rig.close();
  }
}

/** Log lines of a Vigil process answering Alertmanager with `status`. */
const answered = (v: VigilProcess, status: number) => v.lines.filter((l) => l.msg === `POST /api/alerts/alertmanager ${status}`);

describe('kill -9 before the 2xx to Alertmanager', () => {
  let world: KillWorld;
  beforeAll(async () => {
    world = await KillWorld.start('am_kill_before');
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it("Alertmanager's retry after the restart makes 1 incident, not 2, and 1 page per PagerDuty key", async () => {
    const { rig } = world;
    const spec = rig.spec({ level2After: 3600 });
    const first = await world.vigil('vigil-1', spec);
    const am = await world.alertmanager();

    // Vigil believes a verified token for 5 s without asking the database: a request now puts
    // Alertmanager's token in that cache, so its notification gets past authentication and hangs
    // in the ingest transaction itself, not in the token lookup. (400: authenticated, nothing stored.)
    const warm = await fetch(`${world.url}/api/alerts/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${world.ingestToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(warm.status).toBe(400);
    await rig.db.pause();
    try {
      await am.postAlerts([ALERT]);
      await until('Alertmanager’s notification taken by Vigil', () => requestTaken(am.pid, world.port), 30_000);
      // Before the 2xx: Vigil answered nothing and Alertmanager logged no success.
      expect(answered(first, 200)).toHaveLength(0);
      expect(await am.log()).not.toContain('msg="Notify success"');
      first.kill('SIGKILL');
      expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      await rig.db.resume();
    }

    const second = await world.vigil('vigil-2', spec);
    await until('Alertmanager’s retry accepted', async () => (await am.log()).includes('msg="Notify success"'), 60_000);
    const found = await world.incidentOfGroup();
    await world.acknowledgeAndDrain(found.id, rig.pd);

    const triggers = rig.pd.received.entries.filter(isAction('trigger'));
    expect(triggers.map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
    expect(new Set(triggers.map((e) => pdBody(e).dedup_key))).toEqual(new Set([`vigil-${found.id}`]));
    expect(await world.sql(`SELECT id FROM incidents`)).toHaveLength(1);
    // The killed attempt is the failure Alertmanager logged before retrying.
    expect(await am.log()).toMatch(/msg="Notify attempt failed, will retry later"/);
    const incident = await world.api<IncidentJson>(`/api/incidents/${found.id}`);
    // Only what the restarted Vigil answered 200 to is on the timeline: the killed transaction left nothing.
    expect(incident.timeline.filter((e) => e.kind === 'notification_received')).toHaveLength(answered(second, 200).length);
    expect(incident.timeline.filter((e) => e.kind === 'triggered')).toHaveLength(1);
  }, 180_000);
});

describe('kill -9 between the 2xx to Alertmanager and the PagerDuty call', () => {
  let world: KillWorld;
  let silent: SilentServer | undefined;
  let pd: PagerDutyContractServer | undefined;
  beforeAll(async () => {
    world = await KillWorld.start('am_kill_after');
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await silent?.close();
    await pd?.close();
  });

  it('the page is delivered exactly once after the restart, and the timeline shows the lost attempt', async () => {
    const { rig } = world;
    // PagerDuty's address accepts TCP and never completes TLS: the page attempt stays in flight.
    silent = await SilentServer.start();
    const spec = rig.spec({ level2After: 3600, pagerdutyUrl: `https://127.0.0.1:${silent.port}/v2/enqueue` });
    // Long enough that only the kill ends the attempts in flight.
    const first = await world.vigil('vigil-1', spec, { VIGIL_PAGE_TIMEOUT_MS: '120000' });
    const am = await world.alertmanager();
    await am.postAlerts([ALERT]);

    await until('Alertmanager’s 2xx', async () => (await am.log()).includes('msg="Notify success"'), 30_000);
    const opened = await world.incidentOfGroup();
    // Both PagerDuty pages (the team's key, alice's key) in flight; Slack and e-mail already delivered.
    await until('two PagerDuty attempts in flight', () => silent!.connections >= 2);
    await until('Slack and e-mail delivered', async () => {
      const i = await world.api<IncidentJson>(`/api/incidents/${opened.id}`);
      return i.timeline.filter((e) => e.kind === 'page_delivered').length >= 3 ? i : undefined;
    });
    first.kill('SIGKILL');
    await first.waitForExit();

    // The PagerDuty contract server takes over the address the attempts were stuck on.
    const port = silent.port;
    await silent.close();
    silent = undefined;
    pd = await PagerDutyContractServer.start({ port });
    await appendFile(join(rig.work, 'extra-ca.pem'), `\n${pd.caPem}`);
    await world.vigil('vigil-2', spec);

    const triggers = await pd.received.waitFor(2, isAction('trigger'), 60_000);
    await world.acknowledgeAndDrain(opened.id, pd);
    expect(pd.received.entries.filter(isAction('trigger'))).toHaveLength(2);
    expect(triggers.map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
    expect(new Set(triggers.map((e) => pdBody(e).dedup_key))).toEqual(new Set([`vigil-${opened.id}`]));
    // Nothing else was sent twice: one Slack post per stream, one trigger mail.
    expect(rig.slack.calls.entries.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(rig.smtp.received.entries.filter((m) => m.headers.get('subject')?.startsWith('[TRIGGERED]'))).toHaveLength(1);

    const incident = await world.api<IncidentJson>(`/api/incidents/${opened.id}`);
    const pdTriggers = incident.pages.filter((p) => p.sink === 'pagerduty' && p.action === 'trigger');
    expect(pdTriggers.map((p) => [p.status, p.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 2],
    ]);
    // The timeline tells the responder: each PagerDuty trigger's first attempt was lost with the
    // killed replica and its second one delivered; nothing else (Slack, e-mail) was lost.
    const lost = incident.timeline.filter((e) => e.kind === 'page_attempt_lost');
    expect(lost.map((e) => e.message).sort()).toEqual([
      'trigger to (PagerDuty): attempt 1 ended without an outcome (its replica went away); trying again',
      'trigger to alice (PagerDuty): attempt 1 ended without an outcome (its replica went away); trying again',
    ]);
    for (const l of lost) {
      const later = incident.timeline.slice(incident.timeline.indexOf(l) + 1);
      expect(later).toContainEqual(expect.objectContaining({ kind: 'page_delivered', detail: expect.objectContaining({ pageId: l.detail!.pageId, attempt: 2 }) }));
    }
  }, 180_000);
});
