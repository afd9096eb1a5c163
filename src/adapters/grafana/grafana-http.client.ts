import { describeRequestError } from '../http/http-error.js';

/** A failure Grafana answered with (status and its JSON message), or Grafana could not be reached. */
export class GrafanaApplyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GrafanaApplyError';
  }
}

export interface GrafanaHttpOptions {
  readonly url: string;
  /** Read from a file by the caller; sent as a Bearer token, never logged. */
  readonly token: string;
  readonly timeoutMs?: number;
}

export interface GrafanaFolder {
  readonly uid: string;
  readonly title: string;
}

export type DashboardJson = Record<string, unknown>;

/** A stored dashboard as GET /api/dashboards/uid/:uid shows it (id and version added by Grafana). */
export interface StoredDashboard {
  readonly dashboard: DashboardJson;
  readonly folderUid: string | undefined;
}

/**
 * The few endpoints of Grafana's HTTP API that `vigil apply grafana` needs, over Node's fetch.
 * Reads return undefined on 404; every other non-2xx becomes a GrafanaApplyError.
 */
export class GrafanaHttpClient {
  private readonly base: string;

  constructor(private readonly opts: GrafanaHttpOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  async listFolders(): Promise<GrafanaFolder[]> {
    const folders = await this.request<{ uid: string; title: string }[]>('GET', '/api/folders?limit=1000');
    return (folders ?? []).map((f) => ({ uid: f.uid, title: f.title }));
  }

  async createFolder(folder: GrafanaFolder): Promise<GrafanaFolder> {
    const made = await this.request<{ uid: string; title: string }>('POST', '/api/folders', { title: folder.title, uid: folder.uid });
    return { uid: made!.uid, title: made!.title };
  }

  async getDashboard(uid: string): Promise<StoredDashboard | undefined> {
    const got = await this.request<{ dashboard: DashboardJson; meta?: { folderUid?: string } }>('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`, undefined, true);
    return got && { dashboard: got.dashboard, folderUid: got.meta?.folderUid || undefined };
  }

  async saveDashboard(dashboard: DashboardJson, folderUid: string, message: string): Promise<void> {
    await this.request('POST', '/api/dashboards/db', { dashboard, folderUid, overwrite: true, message });
  }

  private async request<T>(method: string, path: string, body?: unknown, absentOn404 = false): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new GrafanaApplyError(`cannot reach Grafana at ${this.opts.url}: ${describeRequestError(err, this.opts.timeoutMs ?? 10_000)}`);
    }
    const text = await res.text();
    if (res.status === 404 && absentOn404) return undefined;
    if (!res.ok) {
      throw new GrafanaApplyError(`${method} ${path.replace(/\?.*$/, '')}: Grafana answered ${res.status}: ${messageOf(text)}`, res.status);
    }
    return text === '' ? undefined : (JSON.parse(text) as T);
  }
}

/** Grafana answers errors as `{ message, status? }`; a proxy in front may answer with plain text. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; status?: unknown };
    if (typeof body.message === 'string') return typeof body.status === 'string' ? `${body.message} (${body.status})` : body.message;
  } catch {
    // not JSON: show the start of it
  }
  return text.slice(0, 500) || '(empty body)';
}
