import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostics.js';
import { loadSpecs } from '../../core/definitions/load-specs.js';
import type { OnCallSpec } from '../../core/model/oncall.js';
import { SpecFiles } from '../../core/ports/spec-files.js';

/**
 * Without an OnCall document incidents are still recorded, and nobody is paged: a policy with no
 * levels. Startup logs say so; `GET /api/routes/test` shows it.
 */
export const NO_ONCALL_SPEC: OnCallSpec = {
  file: '(none)',
  people: [],
  schedules: [],
  policies: [{ name: 'none', levels: [], repeat: 0, repeatAfterSeconds: 900, ackTimeoutSeconds: null, fallback: [], at: { file: '(none)', line: 1, col: 1 } }],
  routes: [],
  defaultPolicy: 'none',
  maintenance: [],
  sinks: {},
  incidents: { flapWindowSeconds: 1800, staleAfterSeconds: 5 * 3600, lowUrgencySeverities: ['warning', 'info'], alertmanagers: [], silenceCheckAfterSeconds: 600 },
};

/**
 * The `kind: OnCall` spec in the specs folder: people, schedules, policies, routes, sinks. Loaded
 * while the app starts; a spec with problems is not used (the last good one, or none, stays) and
 * its problems are logged with file:line:col.
 */
@Injectable()
export class OnCallSpecService implements OnModuleInit {
  private readonly log = new Logger('OnCall');
  private spec: OnCallSpec = NO_ONCALL_SPEC;
  private problems: readonly Diagnostic[] = [];

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly files: SpecFiles,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  async reload(): Promise<void> {
    let inputs;
    try {
      inputs = await this.files.read(this.config.slosDir);
    } catch (err) {
      this.log.error(`specs not read from ${this.config.slosDir}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const loaded = loadSpecs(inputs);
    // Problems of the files holding the OnCall document, and only those: an SLO typo must not stop paging.
    const files = new Set(inputs.filter((i) => /^kind:\s*['"]?OnCall['"]?\s*$/m.test(i.text)).map((i) => i.path));
    const mine = loaded.diagnostics.filter((d) => files.has(d.file));
    this.problems = mine;
    for (const d of mine) this.log.warn(formatDiagnostic(d));
    const spec = loaded.oncall[0];
    if (spec && mine.length === 0) {
      this.spec = spec;
      this.log.log(`on-call spec ${spec.file}: ${spec.people.length} people, ${spec.schedules.length} schedule(s), ${spec.policies.length} polic(ies), ${spec.routes.length} route(s)`);
    } else if (!spec) {
      this.log.warn(`no kind: OnCall spec in ${this.config.slosDir}: incidents are recorded, nobody is paged (docs/incidents.md)`);
    }
  }

  current(): OnCallSpec {
    return this.spec;
  }

  diagnostics(): readonly Diagnostic[] {
    return this.problems;
  }
}
