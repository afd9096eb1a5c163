import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { SystemClock, SystemMonotonicClock } from '../../adapters/clock/system-clock.js';
import { drillTargets, drillWorkDirs } from '../../adapters/drills/drill-targets.js';
import { PostgresTools } from '../../adapters/drills/postgres-tools.js';
import { removeLeftoverScratch } from '../../adapters/drills/scratch-cluster.js';
import { FileSecretReader } from '../../adapters/files/secret-file.js';
import { readSpecDir } from '../../adapters/files/spec-files.js';
import { vigilVersion } from '../../adapters/files/vigil-version.js';
import { check } from '../../core/check.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { readDrillReport, reviseReport } from '../../core/drills/drill-report.js';
import { serializeSealed } from '../../core/drills/report-chain.js';
import { renderDrillReportHtml, renderDrillReportMarkdown } from '../../core/drills/report-render.js';
import { formatElapsed } from '../../core/drills/rto.js';
import { executeDrill } from '../../usecases/drills/execute-drill.js';
import { commandWithDatabase } from '../database.js';
import { EXIT, type CliIo } from '../io.js';
import { DEFAULT_DRILLS_DIR } from './validate.command.js';

export interface DrillRunOptions {
  readonly slos: string;
  readonly drills?: string;
  readonly force?: boolean;
  readonly targetTime?: string;
}

/**
 * `vigil drill run NAME`: runs the drill now, on this machine, records the run and seals its
 * report into the chain in the database the service uses. Prints the verdict with its reasons
 * and the report's place in the chain; exit 0 only for PASS.
 */
export async function drillRunCommand(name: string, opts: DrillRunOptions, io: CliIo): Promise<number> {
  const checked = check(await readSpecDir(opts.slos, io.cwd), await readSpecDir(opts.drills ?? DEFAULT_DRILLS_DIR, io.cwd, { missingOk: opts.drills === undefined }));
  if (checked.diagnostics.length > 0) {
    for (const d of checked.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    return EXIT.problems;
  }
  const spec = checked.drills.find((d) => d.name === name);
  if (!spec) {
    io.err(`vigil drill run: no drill named "${name}" (${checked.drills.map((d) => d.name).join(', ') || 'none defined'})\n`);
    return EXIT.usage;
  }
  const targetTime = opts.targetTime ? new Date(opts.targetTime) : undefined;
  if (targetTime && Number.isNaN(targetTime.getTime())) {
    io.err(`vigil drill run: --target-time "${opts.targetTime}" is not an ISO 8601 time\n`);
    return EXIT.usage;
  }
  return commandWithDatabase(io, 'drill run', async (repos, config) => {
    const dirs = drillWorkDirs(config.drillWorkDir);
    const clocks = { wall: new SystemClock(), mono: new SystemMonotonicClock() };
    for (const dir of await removeLeftoverScratch(dirs.scratchRoot, new PostgresTools(spec.target.binDir, spec.target.osUser ?? 'postgres'))) io.err(`vigil: removed a scratch cluster a stopped run left behind: ${dir}\n`);
    const runId = `${spec.name}-${clocks.wall.now().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
    const done = await executeDrill(spec, { ...drillTargets(dirs, new FileSecretReader(), clocks.mono), clocks, store: repos.drillRuns, vigilVersion: vigilVersion(), host: hostname() }, {
      runId,
      trigger: 'manual',
      requestedBy: 'cli',
      ...(opts.force ? { force: true } : {}),
      ...(targetTime ? { targetTime } : {}),
    });
    const r = done.report;
    const rto = r.measurements.rto.measured ? formatElapsed(r.measurements.rto.totalNs) : 'not measured';
    const rpo = r.measurements.rpo.measured ? `${Math.round(r.measurements.rpo.lostMs)} ms` : 'not measured';
    io.out(`${r.verdict.status} ${spec.name} run ${runId}: RTO ${rto}, RPO ${rpo}\n`);
    for (const reason of r.verdict.reasons) io.out(`  ${reason.subject}: ${reason.text}\n`);
    for (const e of r.errors) io.out(`  error in ${e.step}: ${e.message}\n`);
    io.out(`report sequence ${done.sequence}, hash ${done.hash}\n`);
    return r.verdict.status === 'PASS' ? EXIT.ok : EXIT.problems;
  });
}

/** `vigil drill report RUN_ID`: the run's latest report as stored (json), or rendered (md, html). */
export async function drillReportCommand(runId: string, opts: { format: 'json' | 'md' | 'html' }, io: CliIo): Promise<number> {
  return commandWithDatabase(io, 'drill report', async (repos) => {
    const stored = await repos.drillRuns.report(runId);
    if (!stored) {
      io.err(`vigil drill report: no report for run ${runId}\n`);
      return EXIT.problems;
    }
    if (opts.format === 'json') io.out(stored.canonical);
    else {
      const report = readDrillReport({ name: `run ${runId}`, text: stored.canonical });
      io.out(opts.format === 'md' ? renderDrillReportMarkdown(report) : renderDrillReportHtml(report));
    }
    return EXIT.ok;
  });
}

/** `vigil drill export DIR`: every stored report as the file that was sealed, named by its place in the chain, for `vigil report verify DIR`. */
export async function drillExportCommand(dir: string, io: CliIo): Promise<number> {
  return commandWithDatabase(io, 'drill export', async (repos) => {
    const target = resolve(io.cwd, dir);
    await mkdir(target, { recursive: true });
    const chain = await repos.drillRuns.chain();
    for (const r of chain) await writeFile(join(target, `${String(r.sequence).padStart(6, '0')}-${r.runId}-r${r.revision}.json`), r.canonical, { flag: 'wx' });
    io.out(`${chain.length} report(s) written to ${target}${chain.length ? `; chain head ${chain.at(-1)!.hash}` : ''}\n`);
    return EXIT.ok;
  });
}

export interface DrillSignOffOptions {
  readonly reviewedBy?: string;
  readonly approvedBy?: string;
  readonly note?: string;
}

/**
 * `vigil drill sign-off RUN_ID --reviewed-by NAME | --approved-by NAME`: a sign-off is a new
 * revision of the run's report at the end of the chain (the sealed one is never edited), naming
 * who reviewed or approved it and when.
 */
export async function drillSignOffCommand(runId: string, opts: DrillSignOffOptions, io: CliIo): Promise<number> {
  if (!opts.reviewedBy && !opts.approvedBy) {
    io.err('vigil drill sign-off: give --reviewed-by or --approved-by (or both)\n');
    return EXIT.usage;
  }
  return commandWithDatabase(io, 'drill sign-off', async (repos) => {
    const stored = await repos.drillRuns.report(runId);
    if (!stored) {
      io.err(`vigil drill sign-off: no report for run ${runId}\n`);
      return EXIT.problems;
    }
    const original = readDrillReport({ name: `run ${runId}`, text: stored.canonical });
    const at = new Date().toISOString();
    const signOff = {
      ...original.signOff,
      ...(opts.reviewedBy ? { reviewedBy: opts.reviewedBy, reviewedAt: at } : {}),
      ...(opts.approvedBy ? { approvedBy: opts.approvedBy, approvedAt: at } : {}),
    };
    const who = [opts.reviewedBy ? `reviewed by ${opts.reviewedBy}` : '', opts.approvedBy ? `approved by ${opts.approvedBy}` : ''].filter(Boolean).join(', ');
    const sealed = await repos.drillRuns.correct(
      runId,
      (tip) => {
        const revised = reviseReport(original, { note: opts.note ? `${who}: ${opts.note}` : who, changes: { signOff } }, tip!);
        return { sequence: revised.sequence, hash: revised.hash, previousHash: revised.previousHash, canonical: serializeSealed(revised) };
      },
      new Date(at),
    );
    io.out(`run ${runId} ${who}: revision ${sealed.revision}, report sequence ${sealed.sequence}, hash ${sealed.hash}\n`);
    return EXIT.ok;
  });
}
