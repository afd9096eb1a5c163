import { Inject, Injectable, Logger } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { checkDrillsAgainstOnCall } from '../../core/definitions/drill.parser.js';
import { loadSpecs } from '../../core/definitions/load-specs.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import type { DrillSpec } from '../../core/model/drill.js';
import { SpecFiles } from '../../core/ports/spec-files.js';

/**
 * The drills in `drills/` (VIGIL_DRILLS_DIR), read while the app starts: their schedules become
 * recurring jobs then. A drill file with problems is left out, with its problems logged as
 * file:line:col; the other drills still run.
 */
@Injectable()
export class DrillSpecService {
  private readonly log = new Logger('Drills');
  private specs: readonly DrillSpec[] = [];

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly files: SpecFiles,
  ) {}

  async load(): Promise<readonly DrillSpec[]> {
    try {
      const [slos, drills] = await Promise.all([this.files.read(this.config.slosDir), this.files.read(this.config.drillsDir, { missingOk: true })]);
      // The drills and the OnCall spec they notify through, parsed only: the SLO module checks the SLOs.
      const loaded = loadSpecs(drills, 'drills');
      const problems = [...loaded.diagnostics, ...checkDrillsAgainstOnCall(loaded.drills, loadSpecs(slos).oncall[0])];
      const broken = new Set<string>();
      for (const d of problems) {
        broken.add(d.file);
        this.log.warn(formatDiagnostic(d));
      }
      this.specs = loaded.drills.filter((d) => !broken.has(d.at.file));
      this.log.log(`${this.specs.length} drill(s) from ${this.config.drillsDir}${broken.size ? `; ${broken.size} file(s) with problems left out` : ''}`);
    } catch (err) {
      this.log.error(`drills not read from ${this.config.drillsDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.specs;
  }

  all(): readonly DrillSpec[] {
    return this.specs;
  }

  find(name: string): DrillSpec | undefined {
    return this.specs.find((s) => s.name === name);
  }
}
