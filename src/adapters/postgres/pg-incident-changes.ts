import pg from 'pg';
import { IncidentChanges, type IncidentChangeEvent } from '../../core/ports/incident-changes.js';

/** The channel the incident triggers notify on (migration 1764800000000). */
export const INCIDENT_CHANNEL = 'vigil_incident_changes';
const MAX_BACKOFF_MS = 30_000;

export interface PgIncidentChangesOptions {
  readonly applicationName: string;
  /** How often the idle connection is asked `SELECT 1`: a peer gone without a FIN is noticed then. */
  readonly checkEveryMs?: number;
  readonly onProblem?: (message: string) => void;
}

type Listener = (e: IncidentChangeEvent) => void;

/**
 * Incident changes from PostgreSQL's LISTEN/NOTIFY, chosen over polling a change cursor: NOTIFY
 * arrives at commit, in commit order, on every replica at once, and costs nothing while nothing
 * changes; a cursor over ids or times would have to cope with sequences that commit out of order
 * and clocks that differ between replicas. Its limits: LISTEN needs a session of its own (not a
 * transaction-pooling PgBouncer), and what is sent while the connection is down is lost, hence
 * `listening` after each reconnection. One connection per replica, opened while anyone
 * subscribes and closed after the last one leaves.
 */
export class PgIncidentChanges extends IncidentChanges {
  private readonly listeners = new Set<Listener>();
  private client: pg.Client | undefined;
  private starting = false;
  private retry: NodeJS.Timeout | undefined;
  private check: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly opts: PgIncidentChangesOptions,
  ) {
    super();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.client) queueMicrotask(() => this.listeners.has(listener) && listener({ kind: 'listening' }));
    else if (!this.starting && !this.retry) void this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stop();
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.closed || this.listeners.size === 0) return;
    this.starting = true;
    const client = new pg.Client({ connectionString: this.url, application_name: this.opts.applicationName, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('notification', (n) => n.channel === INCIDENT_CHANNEL && n.payload && this.emit({ kind: 'incident', id: n.payload }));
    client.on('error', (err) => this.lost(client, err.message));
    client.on('end', () => this.lost(client, 'the connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${INCIDENT_CHANNEL}`);
    } catch (err) {
      this.starting = false;
      void client.end().catch(() => undefined);
      this.lost(client, (err as Error).message);
      return;
    }
    this.starting = false;
    if (this.closed || this.listeners.size === 0) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.check = setInterval(() => void client.query('SELECT 1').catch((err: Error) => this.lost(client, err.message)), this.opts.checkEveryMs ?? 30_000);
    this.check.unref();
    this.emit({ kind: 'listening' });
  }

  /** The connection is gone, or never came: try again with backoff while anyone listens. */
  private lost(client: pg.Client, reason: string): void {
    if (this.starting || (this.client !== undefined && this.client !== client)) return;
    if (this.client === client) {
      this.client = undefined;
      clearInterval(this.check);
      void client.end().catch(() => undefined);
    }
    if (this.closed || this.listeners.size === 0 || this.retry) return;
    const wait = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++);
    this.opts.onProblem?.(`incident change feed: ${reason}; listening again in ${wait} ms`);
    this.retry = setTimeout(() => void this.connect(), wait);
    this.retry.unref();
  }

  private async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    clearInterval(this.check);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private emit(event: IncidentChangeEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
}
