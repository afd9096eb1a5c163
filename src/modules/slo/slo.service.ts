import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import type { Service, Slo } from '../../core/model/slo.js';
import { sloKey } from '../../core/budget/budget-queries.js';
import { GenerationRunRepository } from '../../persistence/generation-run.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Clock } from '../../core/ports/clock.js';
import { SpecFiles } from '../../core/ports/spec-files.js';
import { changedPaths, generate } from '../../usecases/generate.js';
import { toSloDetailDto, toSloListDto, type SloDetailDto, type SloListDto, type SpecLoad } from './slo.dto.js';

/**
 * Loads the specs and regenerates the rule files once, while the app starts (before it listens),
 * then answers from that load. Problems are logged and shown, never fatal: an operator fixing a
 * spec needs the API to tell them what is wrong.
 */
@Injectable()
export class SloService implements OnModuleInit {
  private readonly log = new Logger('Slo');
  private load?: SpecLoad;
  private sloList: readonly Slo[] = [];
  private byKey = new Map<string, Slo>();
  private services = new Map<string, Service>();

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly runs: GenerationRunRepository,
    private readonly metrics: MetricsService,
    private readonly files: SpecFiles,
    private readonly clock: Clock,
  ) {}

  /** At module init, so the specs are loaded before any job (the budget cycle) can start. */
  async onModuleInit(): Promise<void> {
    await this.generate();
  }

  async generate(): Promise<void> {
    const at = this.clock.now();
    // The drills folder as the drills module reads it (VIGIL_DRILLS_DIR, optional): without it the
    // start-up would remove the drill alerts `vigil generate` wrote.
    const drills = { dir: this.config.drillsDir, missingOk: true };
    const r = await generate(this.files, { slosDir: this.config.slosDir, drills, outDir: this.config.outDir });
    const { fleet, counts } = r;
    // A folder that cannot be read or written is shown like a spec problem: the service still starts and says why.
    const problems = r.ioError ? [{ file: r.ioError.path, line: 1, col: 1, message: r.ioError.message }] : r.problems;
    const changed = changedPaths(r.plan);
    for (const d of problems) this.log.warn(formatDiagnostic(d), { file: d.file, line: d.line, col: d.col });
    if (problems.length > 0) this.log.warn(`${problems.length} problem(s) in the specs; no rule file was written`);
    else this.log.log(`${counts.specFiles} spec file(s), ${counts.services} service(s), ${counts.slos} SLO(s): ${counts.rules} rule(s), ${changed.length} file(s) changed`, { changedFiles: changed });

    this.load = { at, fleet, specFiles: counts.specFiles, problems, changed };
    // Indexed once per load: every budget API request looks an SLO up.
    this.sloList = fleet.services.flatMap((s) => [...s.slos]);
    this.byKey = new Map(this.sloList.map((s) => [sloKey(s.service, s.name), s]));
    this.services = new Map(fleet.services.map((s) => [s.name, s]));
    this.metrics.recordSpecLoad(counts.slos, problems.length, at);
    await this.runs.record({ startedAt: at, specFiles: counts.specFiles, services: counts.services, slos: counts.slos, rules: counts.rules, diagnostics: problems, ok: problems.length === 0, changedFiles: changed });
  }

  /** Every SLO that loaded (with problems in some specs, those that did load). Empty before the first load. */
  slos(): readonly Slo[] {
    return this.sloList;
  }

  find(service: string, slo: string): Slo | undefined {
    return this.byKey.get(sloKey(service, slo));
  }

  /** The service an SLO belongs to: its labels (team) and dashboard. */
  serviceOf(slo: Slo): Service | undefined {
    return this.services.get(slo.service);
  }

  /** One SLO with its alert windows and links; undefined when the specs have no such SLO. */
  detail(service: string, slo: string): SloDetailDto | undefined {
    const found = this.find(service, slo);
    const svc = found && this.services.get(found.service);
    if (!found || !svc || !this.load) return undefined;
    return toSloDetailDto(svc, found, this.load.problems.length === 0, this.config);
  }

  list(): SloListDto {
    if (!this.load) throw new Error('specs not loaded yet');
    return toSloListDto(this.load);
  }
}
