import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTestAlertmanagerConfig, startAlertmanager, type TestAlert, type TestAlertmanager } from '../support/alertmanager-server.js';
import { golden } from '../support/golden.js';

/**
 * What the real Alertmanager (0.25, Debian) sends to Vigil with the generated configuration: a
 * local HTTP server stands in for Vigil's `POST /api/alerts/alertmanager` and records every
 * delivery. Proves the harness in test/support/alertmanager-server.ts and captures the payloads
 * kept in test/fixtures/alertmanager/ (UPDATE_GOLDEN=1 rewrites them).
 */

interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}
interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}
interface Delivery {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly payload: WebhookPayload;
  /** What the stand-in answered. */
  readonly answered: number;
}

/** Vigil's webhook, played by node:http: records each delivery and answers what `answer` says. */
class StandInVigil {
  readonly deliveries: Delivery[] = [];
  answer: (p: WebhookPayload, deliveriesOfGroup: number) => number = () => 200;
  private readonly events = new EventEmitter();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
        const answered = this.answer(payload, this.deliveries.filter((d) => d.payload.groupKey === payload.groupKey).length + 1);
        this.deliveries.push({ path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], payload, answered });
        res.writeHead(answered, { 'content-type': 'application/json' }).end(answered < 300 ? '{}' : '{"error":"stand-in says no"}');
        this.events.emit('delivery');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/alerts/alertmanager`;
  }

  /** Resolves with the deliveries `pick` chooses once there are at least `count` of them. */
  async waitFor(what: string, pick: (d: Delivery) => boolean, count = 1, timeoutMs = 30_000): Promise<Delivery[]> {
    const picked = () => this.deliveries.filter(pick);
    if (picked().length >= count) return picked();
    return new Promise((ok, fail) => {
      const onDelivery = () => {
        if (picked().length < count) return;
        clearTimeout(timer);
        this.events.off('delivery', onDelivery);
        ok(picked());
      };
      const timer = setTimeout(() => {
        this.events.off('delivery', onDelivery);
        fail(new Error(`${what}: ${picked().length} of ${count} deliveries after ${timeoutMs} ms; all received:\n${JSON.stringify(this.deliveries, null, 1)}`));
      }, timeoutMs);
      this.events.on('delivery', onDelivery);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

const TOKEN = 'vgl_test_0123456789abcdef';
/** Fixed, so captured payloads are the same on every run (Alertmanager echoes what it is given). */
const STARTS_AT = '2026-11-29T10:00:00Z';
const ENDS_AT = '2026-11-29T10:20:00Z';
const EXTERNAL_URL = 'http://alertmanager.example:9093';
const GENERATOR_URL = 'http://prometheus.example:9090/graph?g0.expr=slo%3Asli_error%3Aratio_rate1h&g0.tab=1';

/** Labels and annotations of the eudr-compliance page alert as Prometheus sends it (rules/eudr-compliance.rules.yaml, templates filled in). */
function burnAlert(alertname: string, slo: string, extra: Partial<TestAlert> = {}): TestAlert {
  return {
    labels: { alertname, service: 'eudr-compliance', slo, severity: 'critical', alert_tier: 'page', long_window: '1h', short_window: '5m', burn_rate: '14.4', team: 'compliance' },
    annotations: {
      summary: `eudr-compliance ${slo} SLO is burning its error budget 14.4x too fast`,
      runbook_url: 'runbooks/eudr-compliance.md',
    },
    startsAt: STARTS_AT,
    generatorURL: GENERATOR_URL,
    ...extra,
  };
}

let dir: string;
let vigil: StandInVigil;
const started: TestAlertmanager[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-am-delivery-'));
  // As `vigil token create` prints it: a trailing newline, which Alertmanager must not send.
  await writeFile(join(dir, 'vigil-ingest-token'), `${TOKEN}\n`);
  vigil = new StandInVigil();
  await vigil.start();
});

afterAll(async () => {
  await Promise.all(started.map((am) => am.stop()));
  await vigil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function alertmanager(
  opts: { peers?: string[]; clusterPort?: boolean; peerTimeout?: string; gossipInterval?: string; externalUrl?: string } = {},
): Promise<TestAlertmanager> {
  const config = await renderTestAlertmanagerConfig({
    vigilUrl: vigil.url,
    credentialsFile: join(dir, 'vigil-ingest-token'),
    groupWait: '1s',
    groupInterval: '2s',
    repeatInterval: '1h',
  });
  const { externalUrl = EXTERNAL_URL, ...cluster } = opts;
  // Debug logs name each flush of a group, which the cluster tests wait on.
  const am = await startAlertmanager({ config, ...cluster, flags: [`--web.external-url=${externalUrl}`, '--log.level=debug'] });
  started.push(am);
  return am;
}

const ofAlert = (alertname: string) => (d: Delivery) => d.payload.commonLabels.alertname === alertname;

/** The captured payload as committed: pretty JSON, compared byte for byte. */
async function fixture(name: string, payload: WebhookPayload): Promise<void> {
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  expect(text).toBe(await golden(`test/fixtures/alertmanager/${name}`, text));
}

describe('the generated Alertmanager configuration delivering to Vigil (real Alertmanager 0.25)', () => {
  let am: TestAlertmanager;
  beforeAll(async () => {
    am = await alertmanager();
  });

  it('sends a version 4 payload with the bearer token from the credentials file, a groupKey and alert fingerprints', async () => {
    await am.postAlerts([burnAlert('AvailabilityBudgetBurn', 'availability'), burnAlert('AvailabilityBudgetBurn', 'latency')]);
    const [d] = await vigil.waitFor('firing group', ofAlert('AvailabilityBudgetBurn'));
    expect(d!.path).toBe('/api/alerts/alertmanager');
    expect(d!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(d!.contentType).toBe('application/json');
    expect(d!.payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'vigil',
      groupKey: '{}:{alertname="AvailabilityBudgetBurn", service="eudr-compliance"}',
      groupLabels: { alertname: 'AvailabilityBudgetBurn', service: 'eudr-compliance' },
      truncatedAlerts: 0,
    });
    expect(d!.payload.alerts.map((a) => [a.labels.slo, a.status, a.fingerprint])).toEqual([
      ['availability', 'firing', expect.stringMatching(/^[0-9a-f]{16}$/)],
      ['latency', 'firing', expect.stringMatching(/^[0-9a-f]{16}$/)],
    ]);
    await fixture('webhook-firing.json', d!.payload);
  });

  it('sends the group again when one alert resolves (status still firing), then resolved with only the alerts not yet reported resolved', async () => {
    await am.postAlerts([burnAlert('AvailabilityBudgetBurn', 'latency', { endsAt: ENDS_AT })]);
    const [partly] = await vigil.waitFor('one alert resolved', (d) => ofAlert('AvailabilityBudgetBurn')(d) && d.payload.alerts.some((a) => a.status === 'resolved'));
    expect(partly!.payload.status).toBe('firing');
    expect(partly!.payload.alerts.map((a) => [a.labels.slo, a.status])).toEqual([
      ['availability', 'firing'],
      ['latency', 'resolved'],
    ]);
    await fixture('webhook-partly-resolved.json', partly!.payload);

    await am.postAlerts([burnAlert('AvailabilityBudgetBurn', 'availability', { endsAt: ENDS_AT })]);
    const [resolved] = await vigil.waitFor('group resolved', (d) => ofAlert('AvailabilityBudgetBurn')(d) && d.payload.status === 'resolved');
    // Once a notification carrying a resolved alert succeeded, Alertmanager drops that alert from
    // the group: the last notification names only the alert resolved since, not the whole group.
    expect(resolved!.payload.alerts.map((a) => [a.labels.slo, a.status, a.endsAt])).toEqual([['availability', 'resolved', '2026-11-29T10:20:00Z']]);
    expect(resolved!.payload.groupKey).toBe(partly!.payload.groupKey);
    await fixture('webhook-resolved.json', resolved!.payload);
  });

  it('reads the credentials file on every send: a rotated token is used without a reload', async () => {
    await writeFile(join(dir, 'vigil-ingest-token'), 'vgl_rotated_fedcba9876543210\n');
    try {
      await am.postAlerts([burnAlert('RotationBudgetBurn', 'availability')]);
      const [d] = await vigil.waitFor('after rotation', ofAlert('RotationBudgetBurn'));
      expect(d!.authorization).toBe('Bearer vgl_rotated_fedcba9876543210');
    } finally {
      await writeFile(join(dir, 'vigil-ingest-token'), `${TOKEN}\n`);
    }
  });

  it('retries a delivery Vigil answers with 500, with the same groupKey and alerts', async () => {
    vigil.answer = (p, n) => (p.commonLabels.alertname === 'LatencyBudgetBurn' && n <= 2 ? 500 : 200);
    await am.postAlerts([burnAlert('LatencyBudgetBurn', 'latency')]);
    const tries = await vigil.waitFor('500, 500, then accepted', (d) => ofAlert('LatencyBudgetBurn')(d), 3);
    expect(tries.map((d) => d.answered)).toEqual([500, 500, 200]);
    expect(new Set(tries.map((d) => d.payload.groupKey)).size).toBe(1);
    expect(new Set(tries.map((d) => d.payload.alerts.map((a) => a.fingerprint).join()))).toEqual(new Set([tries[0]!.payload.alerts[0]!.fingerprint]));
  });
});

/** Two clustered replicas, each with its own externalURL so a payload tells which one sent it. */
async function replicas(peerTimeout: string): Promise<TestAlertmanager[]> {
  // 50ms gossip: the cluster settles in about half a second instead of two (see the harness).
  const first = await alertmanager({ clusterPort: true, peerTimeout, gossipInterval: '50ms', externalUrl: 'http://alertmanager-0.example:9093' });
  const second = await alertmanager({ peers: [first.clusterAddress!], peerTimeout, gossipInterval: '50ms', externalUrl: 'http://alertmanager-1.example:9093' });
  return [first, second];
}

/** Resolves once the replica has started flushing the group `count` times. */
async function flushes(am: TestAlertmanager, alertname: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const line = `msg=flushing alerts=[${alertname}[`;
  for (;;) {
    const seen = (await am.log()).split('\n').filter((l) => l.includes(line)).length;
    if (seen >= count) return;
    if (Date.now() > deadline) throw new Error(`${count} flushes of ${alertname} not logged after ${timeoutMs} ms:\n${await am.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two clustered replicas (Prometheus sends every alert to both)', () => {
  it('with the gossip in time, only one replica sends: the other finds the notification in the shared log', async () => {
    // peer-timeout 2s instead of 15s: the replica second in the cluster waits that long, then
    // looks in the notification log the first one gossiped to it.
    const ams = await replicas('2s');
    await Promise.all(ams.map((am) => am.postAlerts([burnAlert('ClusterOnceBudgetBurn', 'availability')])));
    const [first] = await vigil.waitFor('one replica', ofAlert('ClusterOnceBudgetBurn'));
    const other = ams.find((am) => !first!.payload.externalURL.includes(`alertmanager-${ams.indexOf(am)}.`))!;
    // Each group's flushes run one after another: a second flush means the first one, with its
    // wait and its look into the notification log, is over.
    await flushes(other, 'ClusterOnceBudgetBurn', 2);
    expect(vigil.deliveries.filter(ofAlert('ClusterOnceBudgetBurn')).map((d) => d.payload.externalURL)).toEqual([first!.payload.externalURL]);
    expect(await other.log()).not.toContain('msg="Notify success"');
  });

  it('with the gossip late (peer-timeout 0s), both replicas send the same group: same groupKey and fingerprints', async () => {
    const ams = await replicas('0s');
    await Promise.all(ams.map((am) => am.postAlerts([burnAlert('ClusterTwiceBudgetBurn', 'availability')])));
    const both = await vigil.waitFor('both replicas', ofAlert('ClusterTwiceBudgetBurn'), 2);
    expect(both.map((d) => d.payload.externalURL).sort()).toEqual(['http://alertmanager-0.example:9093', 'http://alertmanager-1.example:9093']);
    expect(new Set(both.map((d) => d.payload.groupKey)).size).toBe(1);
    expect(new Set(both.map((d) => d.payload.alerts.map((a) => a.fingerprint).join())).size).toBe(1);
    expect(both.map((d) => d.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });
});
