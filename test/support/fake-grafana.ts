import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the parts of Grafana's HTTP API that `vigil apply grafana` uses, since no Grafana
 * runs here. It enforces what the documentation states: Bearer authentication (401 with a JSON
 * message otherwise), folder creation (title required, unique uid and title), and POST
 * /api/dashboards/db needing a dashboard with uid and title and an existing folderUid; without
 * overwrite, a save over a newer version is refused with 412 version-mismatch. Stored dashboards
 * get the id and version Grafana adds.
 */
export interface FakeGrafana {
  readonly url: string;
  readonly folders: Map<string, { id: number; uid: string; title: string }>;
  readonly dashboards: Map<string, { folderUid: string; dashboard: Record<string, unknown> }>;
  /** `METHOD /path` of every authenticated request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const UID_RE = /^[a-zA-Z0-9_-]{1,40}$/;

export async function startFakeGrafana(opts: { token: string }): Promise<FakeGrafana> {
  const folders: FakeGrafana['folders'] = new Map();
  const dashboards: FakeGrafana['dashboards'] = new Map();
  const requests: string[] = [];
  let nextId = 1;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return reply(res, err.status, { message: err.message, ...(err.code ? { status: err.code } : {}) });
      reply(res, 500, { message: String((err as Error).message) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization;
    if (!auth) throw new HttpError(401, 'Unauthorized');
    if (auth !== `Bearer ${opts.token}`) throw new HttpError(401, 'invalid API key');
    requests.push(`${req.method} ${url.pathname}`);
    const body = req.method === 'POST' ? await readJson(req) : undefined;

    if (req.method === 'GET' && url.pathname === '/api/folders') {
      return reply(res, 200, [...folders.values()].map((f) => ({ id: f.id, uid: f.uid, title: f.title })));
    }
    if (req.method === 'POST' && url.pathname === '/api/folders') {
      const title = body!.title;
      if (typeof title !== 'string' || title.trim() === '') throw new HttpError(400, 'folder title cannot be empty');
      const uid = body!.uid === undefined ? `f${nextId}` : body!.uid;
      if (typeof uid !== 'string' || !UID_RE.test(uid)) throw new HttpError(400, 'uid contains illegal characters or is too long');
      if (folders.has(uid)) throw new HttpError(409, 'a folder with the same uid already exists');
      if ([...folders.values()].some((f) => f.title === title)) throw new HttpError(409, 'a folder with the same name already exists');
      const folder = { id: nextId++, uid, title };
      folders.set(uid, folder);
      return reply(res, 200, { ...folder, url: `/dashboards/f/${uid}/`, version: 1 });
    }
    const byUid = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && byUid) {
      const stored = dashboards.get(decodeURIComponent(byUid[1]!));
      if (!stored) throw new HttpError(404, 'Dashboard not found');
      const folder = folders.get(stored.folderUid);
      return reply(res, 200, {
        dashboard: stored.dashboard,
        meta: { type: 'db', slug: slug(String(stored.dashboard.title)), version: stored.dashboard.version, folderUid: stored.folderUid, folderTitle: folder?.title ?? 'General' },
      });
    }
    if (req.method === 'POST' && url.pathname === '/api/dashboards/db') {
      return reply(res, 200, saveDashboard(body!));
    }
    throw new HttpError(404, 'Not found');
  }

  function saveDashboard(body: Record<string, unknown>) {
    const d = body.dashboard;
    if (!isObject(d)) throw new HttpError(400, 'bad request data');
    if (typeof d.title !== 'string' || d.title.trim() === '') throw new HttpError(400, 'Dashboard title cannot be empty', 'empty-name');
    // Grafana would invent a uid; Vigil must always send its own, so this fake insists on one.
    if (typeof d.uid !== 'string' || !UID_RE.test(d.uid)) throw new HttpError(400, 'uid contains illegal characters or is too long', 'bad-uid');
    if (typeof body.folderUid !== 'string' || !folders.has(body.folderUid)) throw new HttpError(400, 'folder not found', 'not-found');
    if (typeof body.overwrite !== 'boolean') throw new HttpError(400, 'bad request data: overwrite must be a boolean');
    const previous = dashboards.get(d.uid);
    if (previous && body.overwrite !== true && d.version !== previous.dashboard.version) {
      throw new HttpError(412, 'The dashboard has been changed by someone else', 'version-mismatch');
    }
    const id = (previous?.dashboard.id as number | undefined) ?? nextId++;
    const version = ((previous?.dashboard.version as number | undefined) ?? 0) + 1;
    dashboards.set(d.uid, { folderUid: body.folderUid, dashboard: { ...d, id, uid: d.uid, version } });
    return { id, uid: d.uid, url: `/d/${d.uid}/${slug(d.title)}`, status: 'success', version, slug: slug(d.title) };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    folders,
    dashboards,
    requests,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad request data');
  }
  if (!isObject(parsed)) throw new HttpError(400, 'bad request data');
  return parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
