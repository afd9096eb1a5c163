import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DashboardJson } from './grafana-http.client.js';

/** Reads every dashboards/*.json under `outDir`, keyed by the dashboard uid (which Grafana matches on). */
export async function readDashboardFiles(outDir: string): Promise<Map<string, DashboardJson>> {
  const dir = join(outDir, 'dashboards');
  const names = await readdir(dir).catch(() => {
    throw new Error(`${dir} does not exist: run vigil generate first (or pass --out)`);
  });
  const dashboards = new Map<string, DashboardJson>();
  for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, file);
    let body: unknown;
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
    }
    const uid = (body as { uid?: unknown } | null)?.uid;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof uid !== 'string' || uid === '') {
      throw new Error(`${path}: expected a dashboard object with a uid`);
    }
    if (dashboards.has(uid)) throw new Error(`${path}: uid ${uid} is used by another file too`);
    dashboards.set(uid, body as DashboardJson);
  }
  return dashboards;
}
