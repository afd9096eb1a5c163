import { resolve } from 'node:path';
import { planApply } from '../../../core/apply/apply-plan.js';
import { readDashboardFiles } from '../../../adapters/grafana/dashboard-files.js';
import { folderUidFor, sameDashboard, type DesiredDashboard } from '../../../adapters/grafana/grafana-echo.js';
import { GrafanaHttpClient, type GrafanaFolder, type StoredDashboard } from '../../../adapters/grafana/grafana-http.client.js';
import { readSecretFile } from '../../../adapters/files/secret-file.js';
import { EXIT, type CliIo } from '../../io.js';
import { printApplyReport } from './apply-report.js';

export interface ApplyGrafanaOptions {
  readonly url: string;
  readonly tokenFile?: string;
  readonly folder?: string;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

const SAVE_MESSAGE = 'vigil apply grafana: generated from SLO specs';

/**
 * `vigil apply grafana`: makes sure the folder exists, reads every dashboard back by uid, and saves
 * only those whose JSON (apart from Grafana's id/version) or folder differs.
 */
export async function applyGrafanaCommand(opts: ApplyGrafanaOptions, io: CliIo): Promise<number> {
  try {
    const dashboards = await readDashboardFiles(resolve(io.cwd, opts.out ?? '.'));
    if (!opts.tokenFile) throw new Error('--token-file is required');
    const grafana = new GrafanaHttpClient({ url: opts.url, token: await readSecretFile(resolve(io.cwd, opts.tokenFile), '--token-file') });

    const title = opts.folder ?? 'Vigil';
    const existing = (await grafana.listFolders()).find((f) => f.title === title);
    const wanted: GrafanaFolder = existing ?? { title, uid: folderUidFor(title) };
    const folderSteps = planApply('folder', new Map([[title, wanted]]), new Map([[title, existing]]), () => true);

    const desired = new Map<string, DesiredDashboard>([...dashboards].map(([uid, dashboard]) => [uid, { dashboard, folderUid: wanted.uid }]));
    const current = new Map<string, StoredDashboard | undefined>();
    for (const uid of desired.keys()) current.set(uid, await grafana.getDashboard(uid));
    const dashboardSteps = planApply('dashboard', desired, current, sameDashboard);

    if (!opts.dryRun) {
      if (!existing) await grafana.createFolder(wanted);
      for (const s of dashboardSteps) if (s.action !== 'unchanged') await grafana.saveDashboard(s.desired.dashboard, s.desired.folderUid, SAVE_MESSAGE);
    }
    printApplyReport('grafana', [...folderSteps, ...dashboardSteps], opts.dryRun, io);
    return EXIT.ok;
  } catch (err) {
    // Grafana's errors already name the request, status and message; the token never appears in them.
    io.err(`vigil apply grafana: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.problems;
  }
}
