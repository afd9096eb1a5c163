import { Inject, Injectable, Logger } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { check } from '../../core/check.js';
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
      const checked = check(slos, drills);
      const drillFiles = new Set(drills.map((d) => d.path));
      const broken = new Set<string>();
      for (const d of checked.diagnostics.filter((x) => drillFiles.has(x.file))) {
        broken.add(d.file);
        this.log.warn(formatDiagnostic(d));
      }
      this.specs = checked.drills.filter((d) => !broken.has(d.at.file));
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
