import { join } from 'node:path';
import { readJsonObjectFiles } from '../files/json-files.js';
import type { DashboardJson } from './grafana-http.client.js';

/** Reads every dashboards/*.json under `outDir`, keyed by the dashboard uid (which Grafana matches on). */
export async function readDashboardFiles(outDir: string): Promise<Map<string, DashboardJson>> {
  const dashboards = new Map<string, DashboardJson>();
  for (const { path, body } of await readJsonObjectFiles(join(outDir, 'dashboards'), /\.json$/)) {
    const uid = body.uid;
    if (typeof uid !== 'string' || uid === '') throw new Error(`${path}: expected a dashboard object with a uid`);
    if (dashboards.has(uid)) throw new Error(`${path}: uid ${uid} is used by another file too`);
    dashboards.set(uid, body);
  }
  return dashboards;
}
