import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from '../../src/core/compile.js';
import { convertSpecs } from '../../src/core/convert/convert-specs.js';
import type { SpecInput } from '../../src/core/definitions/load-specs.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { sloRuleGroups } from '../../src/core/generate/slo-rules.js';
import type { Fleet } from '../../src/core/model/slo.js';

/**
 * Converted specs generate what their source generates. Every promtool fixture (one file each,
 * all formats) and every golden case's slos/ folder is converted; the output is loaded under the
 * source's own path, so the generated files' headers name the same file and whole files compare.
 */
const FIXTURES = 'test/promtool/fixtures';
const GOLDEN = 'test/golden';

async function read(path: string): Promise<SpecInput> {
  return { path, text: await readFile(path, 'utf8') };
}

const fixtures = (await readdir(FIXTURES)).sort().map((n): [string, string[]] => [n, [join(FIXTURES, n)]]);
const goldens = await Promise.all(
  (await readdir(GOLDEN))
    .filter((n) => existsSync(join(GOLDEN, n, 'slos')))
    .sort()
    .map(async (n): Promise<[string, string[]]> => [`golden ${n}`, (await readdir(join(GOLDEN, n, 'slos'))).sort().map((f) => join(GOLDEN, n, 'slos', f))]),
);
const CASES = [...fixtures, ...goldens];

/** Loads the converted files in the place of their sources. */
function reload(files: ReturnType<typeof convertSpecs>['files']): SpecInput[] {
  return files.map((f) => ({ path: f.source, text: f.content }));
}

describe.each(CASES)('%s', (_name, paths) => {
  it('converted to vigil/v1 generates byte-identical files', async () => {
    const inputs = await Promise.all(paths.map(read));
    const original = compile(inputs);
    expect(original.diagnostics.map(formatDiagnostic)).toEqual([]);
    const converted = convertSpecs(inputs, 'vigil');
    expect(converted.diagnostics.map(formatDiagnostic)).toEqual([]);
    const back = compile(reload(converted.files));
    expect(back.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(back.files).toEqual(original.files);
  });

  it('converted to vigil/v1 twice is the same text: the native output is a fixed point', async () => {
    const once = convertSpecs(await Promise.all(paths.map(read)), 'vigil').files;
    const twice = convertSpecs(reload(once), 'vigil').files;
    const body = (text: string) => text.replace(/^# Converted by vigil from .*\n/, '');
    expect(twice.map((f) => body(f.content))).toEqual(once.map((f) => body(f.content)));
  });

  it('converted to OpenSLO records the same for every SLO converted with derived burn-rate windows, and alerts the same for those converted in full', async () => {
    const inputs = await Promise.all(paths.map(read));
    const converted = convertSpecs(inputs, 'openslo');
    expect(converted.diagnostics.map(formatDiagnostic)).toEqual([]);
    const back = compile(reload(converted.files));
    expect(back.diagnostics.map(formatDiagnostic)).toEqual([]);
    const groups = (fleet: Fleet, id: string) => {
      const service = fleet.services.find((s) => s.name === id.split('/')[0])!;
      return sloRuleGroups(service, service.slos.find((s) => `${s.service}/${s.name}` === id)!);
    };
    const original = compile(inputs).fleet;
    const derivedWindows = original.services.flatMap((s) => s.slos.filter((slo) => !slo.alerting.windows).map((slo) => `${s.name}/${slo.name}`));
    for (const id of back.fleet.services.flatMap((s) => s.slos.map((slo) => `${s.name}/${slo.name}`)).filter((id) => derivedWindows.includes(id))) {
      // Recording rules depend on the SLI, objective, window, labels and the burn-rate windows; OpenSLO holds all but the last.
      expect([id, groups(back.fleet, id)[0]]).toEqual([id, groups(original, id)[0]]);
    }
    for (const id of converted.complete) expect([id, groups(back.fleet, id)]).toEqual([id, groups(original, id)]);
  });
});
