import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { alertmanagerConfig, type AmConfig } from '../../src/core/generate/alertmanager/alertmanager-config.js';
import { alertmanagerYaml } from '../../src/core/generate/alertmanager/alertmanager-files.js';
import type { RoutingSpec } from '../../src/core/model/routing.js';
import { serverHome, spawnServer, waitUntilReady } from './server-process.js';
import type { Tool } from './tool-run.js';

/** The Debian package's binary (prometheus-alertmanager); scripts/ensure-test-tools.sh installs it. */
export const ALERTMANAGER = process.env.ALERTMANAGER ?? 'prometheus-alertmanager';
const TOOL: Tool = { name: 'alertmanager', bin: ALERTMANAGER, debianPackage: 'prometheus-alertmanager' };

export interface TestAlertmanagerOptions {
  /** The configuration file, YAML (e.g. from renderTestAlertmanagerConfig). */
  readonly config: string;
  /** Cluster addresses (`host:port`) of running replicas to join; implies a cluster port of its own. */
  readonly peers?: readonly string[];
  /** Listen for cluster peers on a free port (`clusterAddress`); off: `--cluster.listen-address=` (no clustering). */
  readonly clusterPort?: boolean;
  /**
   * `--cluster.peer-timeout` (Alertmanager's default 15s): how long the replica at position n in the
   * cluster waits, times n, before it sends, so that it first learns from the notification log that
   * an earlier replica already sent. `0s` makes every replica send at once, as if the gossip were lost.
   */
  readonly peerTimeout?: string;
  /**
   * `--cluster.gossip-interval` (default 200ms). Alertmanager's cluster settles in about 10 × this
   * after a start and holds every notification until then, so tests shorten it.
   */
  readonly gossipInterval?: string;
  /** More command-line flags, e.g. `--log.level=debug`. */
  readonly flags?: readonly string[];
}

export interface TestAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** ISO 8601; Alertmanager takes "now" when missing. */
  readonly startsAt?: string;
  /** ISO 8601; a time in the past resolves the alert. */
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

export interface TestAlertmanager {
  /** Base URL of its web API, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `127.0.0.1:<port>` for `peers` of another replica; undefined without clustering. */
  readonly clusterAddress: string | undefined;
  /** Its process id: which sockets are its own (a test waiting for its request to reach a server). */
  readonly pid: number;
  /** `POST /api/v2/alerts`, as Prometheus sends them; throws unless Alertmanager answers 200. */
  postAlerts(alerts: readonly TestAlert[]): Promise<void>;
  /** Everything it logged so far. */
  log(): Promise<string>;
  /** Stops it by its PID (SIGTERM, SIGKILL after 5s) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A real Alertmanager (Debian package prometheus-alertmanager) on a free loopback port with its
 * own data folder, optionally clustered with other replicas. A missing binary is an error, never
 * a skip. Alerts are not shared between replicas (only silences and the notification log are):
 * post them to each, as every Prometheus does.
 */
export async function startAlertmanager(opts: TestAlertmanagerOptions): Promise<TestAlertmanager> {
  const home = await serverHome('alertmanager');
  const { dir, logFile, log, stop } = home;

  try {
    await writeFile(join(dir, 'alertmanager.yml'), opts.config);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const clustered = opts.clusterPort === true || (opts.peers?.length ?? 0) > 0;
    const clusterAddress = clustered ? `127.0.0.1:${await freePort()}` : undefined;
    const { child: c, spawnError } = await spawnServer(
      TOOL,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...(clusterAddress
          ? [
              `--cluster.listen-address=${clusterAddress}`,
              // Loopback is not a private address, so Alertmanager would refuse to guess what to advertise.
              `--cluster.advertise-address=${clusterAddress}`,
              ...(opts.peers ?? []).map((p) => `--cluster.peer=${p}`),
              ...(opts.peerTimeout !== undefined ? [`--cluster.peer-timeout=${opts.peerTimeout}`] : []),
              ...(opts.gossipInterval !== undefined ? [`--cluster.gossip-interval=${opts.gossipInterval}`] : []),
            ]
          : ['--cluster.listen-address=']),
        ...(opts.flags ?? []),
      ],
      logFile,
      dir,
    );
    home.attach(c);
    // In a cluster, also until it settled: before that every notification is held back, which
    // would make a test's first one late by seconds.
    const ready = async () =>
      (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false)) &&
      (!clustered || (await clusterStatus(url)) === 'ready');
    await Promise.race([spawnError, waitUntilReady(`Alertmanager at ${url}`, c, log, ready, 30_000)]);
    return { url, clusterAddress, pid: c.pid!, postAlerts: (alerts) => postAlerts(url, alerts), log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function clusterStatus(url: string): Promise<string | undefined> {
  const res = await fetch(`${url}/api/v2/status`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  return ((await res.json()) as { cluster?: { status?: string } }).cluster?.status;
}

async function postAlerts(url: string, alerts: readonly TestAlert[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  if (res.status !== 200) throw new Error(`POST ${url}/api/v2/alerts answered ${res.status}: ${await res.text()}`);
}

export interface TestAlertmanagerConfigOptions {
  /** Where the `vigil` receiver sends, e.g. a local receiver's http://127.0.0.1:<port>/api/alerts/alertmanager. */
  readonly vigilUrl: string;
  /** Absolute path of the file holding the bearer token; the spec's path when missing. */
  readonly credentialsFile?: string;
  /** Alertmanager durations, which may be shorter than a second (`500ms`); the spec's when missing. */
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  /** `pagerduty_configs[].url` of every PagerDuty receiver: a local contract server instead of events.pagerduty.com. */
  readonly pagerdutyUrl?: string;
  /** `routing_key_file` of every PagerDuty receiver (Alertmanager reads it only when it sends). */
  readonly pagerdutyRoutingKeyFile?: string;
  /** The routing spec to start from; the committed slos/routing.yaml when missing. */
  readonly routingFile?: string;
}

/**
 * The Alertmanager configuration the real parser and generator make from the committed routing
 * spec, pointed at test endpoints and with test timings. Only addresses, credential files and
 * timings change: routes, matchers, grouping and inhibit rules are the committed ones.
 */
export async function renderTestAlertmanagerConfig(opts: TestAlertmanagerConfigOptions): Promise<string> {
  const path = opts.routingFile ?? 'slos/routing.yaml';
  const loaded = loadSpecs([{ path, text: await readFile(path, 'utf8') }]);
  const spec = loaded.routing[0];
  if (!spec || loaded.diagnostics.length > 0) throw new Error(`${path} does not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  if (!spec.receivers.some((r) => r.name === 'vigil' && r.webhook)) throw new Error(`${path} has no webhook receiver named "vigil"`);
  const pointed: RoutingSpec = {
    ...spec,
    receivers: spec.receivers.map((r) =>
      r.name === 'vigil' && r.webhook
        ? { ...r, webhook: { ...r.webhook, url: opts.vigilUrl, ...(opts.credentialsFile !== undefined ? { credentialsFile: opts.credentialsFile } : {}) } }
        : r.pagerduty && opts.pagerdutyRoutingKeyFile !== undefined
          ? { ...r, pagerduty: { ...r.pagerduty, routingKeyFile: opts.pagerdutyRoutingKeyFile } }
          : r,
    ),
  };
  const config: AmConfig = alertmanagerConfig(pointed);
  config.route = {
    ...config.route,
    ...(opts.groupWait !== undefined ? { group_wait: opts.groupWait } : {}),
    ...(opts.groupInterval !== undefined ? { group_interval: opts.groupInterval } : {}),
    ...(opts.repeatInterval !== undefined ? { repeat_interval: opts.repeatInterval } : {}),
  };
  if (opts.pagerdutyUrl !== undefined) {
    // Not a field of the routing spec (production always talks to PagerDuty itself).
    for (const r of config.receivers) for (const pd of r.pagerduty_configs ?? []) Object.assign(pd, { url: opts.pagerdutyUrl });
  }
  return alertmanagerYaml(config);
}
