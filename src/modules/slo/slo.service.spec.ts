import { readFile } from 'node:fs/promises';
import { ManualClock } from '../../core/ports/clock.js';
import { SpecFiles, type OutputPlan } from '../../core/ports/spec-files.js';
import type { SpecInput } from '../../core/definitions/load-specs.js';
import type { GeneratedFile } from '../../core/generate/rule-files.js';
import { loadConfig } from '../../config/config.js';
import type { GenerationRunRepository, NewGenerationRun } from '../../persistence/generation-run.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { CHECKOUT_SPEC as SPEC } from '../../../test/support/checkout-spec.js';
import { SloService } from './slo.service.js';


/** Specs and output in memory: what was read, planned and written. The drills folder (default `drills`) holds `drills`. */
class MemorySpecFiles extends SpecFiles {
  written: string[] = [];
  constructor(
    private readonly specs: SpecInput[] | Error,
    private readonly drills: SpecInput[] = [],
  ) {
    super();
  }
  async read(dir: string): Promise<SpecInput[]> {
    if (dir === 'drills') return this.drills;
    if (this.specs instanceof Error) throw this.specs;
    return this.specs;
  }
  async plan(_out: string, files: readonly GeneratedFile[]): Promise<OutputPlan> {
    return { create: files.map((f) => f.path), update: [], remove: [], unchanged: [] };
  }
  async write(_out: string, files: readonly GeneratedFile[]): Promise<void> {
    this.written.push(...files.map((f) => f.path));
  }
}

async function load(specs: SpecInput[] | Error, drills: SpecInput[] = []) {
  const files = new MemorySpecFiles(specs, drills);
  const runs: NewGenerationRun[] = [];
  const repo = { record: async (r: NewGenerationRun) => void runs.push(r) } as unknown as GenerationRunRepository;
  const service = new SloService(loadConfig({}), repo, new MetricsService({ version: '0.0.0-test', revision: 'unknown' }), files, new ManualClock(new Date('2026-11-29T10:00:00Z')));
  await service.onModuleInit();
  return { service, files, runs };
}

describe('SloService', () => {
  it('loads valid specs, writes every generated file and records an ok run', async () => {
    const { service, files, runs } = await load([{ path: 'slos/checkout.yaml', text: SPEC }]);
    expect(service.slos().map((s) => `${s.service}/${s.name}`)).toEqual(['checkout/availability', 'checkout/latency']);
    expect(service.find('checkout', 'availability')?.objective).toBe('99.9');
    expect(files.written).toEqual(expect.arrayContaining(['rules/checkout.rules.yaml', 'rules/checkout.prometheusrule.yaml', 'dashboards/checkout.json']));
    expect(runs).toEqual([expect.objectContaining({ ok: true, specFiles: 1, slos: 2, startedAt: new Date('2026-11-29T10:00:00Z') })]);
    expect(service.list()).toMatchObject({ generated: true, problems: [] });
  });

  it('writes the drills\' alert rules too, from the drills folder (VIGIL_DRILLS_DIR)', async () => {
    const drill = { path: 'drills/restore.yaml', text: await readFile('drills/postgres-restore.yaml', 'utf8') };
    const { files, runs } = await load([{ path: 'slos/checkout.yaml', text: SPEC }], [drill]);
    expect(files.written).toEqual(expect.arrayContaining(['rules/checkout.rules.yaml', 'rules/vigil-drills.rules.yaml', 'rules/vigil-drills.prometheusrule.yaml']));
    expect(runs[0]).toMatchObject({ ok: true, specFiles: 2 });
  });

  it('writes nothing for a spec with a problem, and lists the problem with its place', async () => {
    const { service, files, runs } = await load([{ path: 'slos/checkout.yaml', text: SPEC.replace('objective: 99.9', 'objective: 100') }]);
    expect(files.written).toEqual([]);
    expect(service.list().problems).toEqual([expect.objectContaining({ file: 'slos/checkout.yaml', line: 5, message: expect.stringMatching(/objective 100/) })]);
    expect(runs[0]).toMatchObject({ ok: false, rules: 0 });
  });

  it('still starts when the specs folder cannot be read, and says why', async () => {
    const { service, runs } = await load(new Error('spec folder slos does not exist'));
    expect(service.slos()).toEqual([]);
    expect(service.list().problems).toEqual([{ file: 'slos', line: 1, col: 1, message: 'cannot read specs: spec folder slos does not exist' }]);
    expect(runs[0]).toMatchObject({ ok: false });
  });
});
