import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSpecDir } from '../../src/adapters/files/spec-files.js';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { ELASTICSEARCH_DIR } from '../../src/core/generate/elasticsearch/elasticsearch-files.js';
import type { GeneratedFile } from '../../src/core/generate/rule-files.js';
import { OUTPUTS, service } from './prometheusrule-specs.js';

/**
 * Every generated output the consumer-schema tests judge, named for where it came from: the
 * committed rules/, dashboards/ and deploy/elasticsearch/ folders, and what the test fixtures
 * compile to (test/golden cases, the promtool fixture fleet, specs at Kubernetes' limits: a
 * service spread over several objects, names Kubernetes refuses as they are; and a retention
 * spec with every option the Elasticsearch generator has).
 */
export interface Output {
  /** `committed rules/redis.prometheusrule.yaml`, `golden sloth: rules/myservice.prometheusrule.yaml` … */
  readonly name: string;
  readonly path: string;
  readonly content: string;
}

// deploy/alertmanager is judged by amtool itself (test/alertmanager/alertmanager-amtool.spec.ts).
const COMMITTED_DIRS = ['rules', 'dashboards', ELASTICSEARCH_DIR];
const GOLDEN = 'test/golden';
const PROMTOOL_FIXTURES = 'test/promtool/fixtures';
const EVERY_RETENTION_OPTION = 'test/elasticsearch/fixtures/every-option.yaml';

async function committed(): Promise<Output[]> {
  const files = await Promise.all(
    COMMITTED_DIRS.map(async (dir) =>
      Promise.all((await readdir(dir)).sort().map(async (n) => ({ path: join(dir, n), content: await readFile(join(dir, n), 'utf8') }))),
    ),
  );
  return files.flat().map((f) => ({ ...f, name: `committed ${f.path}` }));
}

function compiled(source: string, ...args: Parameters<typeof compile>): Output[] {
  const { files, diagnostics } = compile(...args);
  // A fixture with problems would compile to nothing and be judged vacuously.
  if (diagnostics.length > 0) throw new Error(`${source} does not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return files.map((f: GeneratedFile) => ({ name: `${source}: ${f.path}`, path: f.path, content: f.content }));
}

async function fromFixtures(): Promise<Output[]> {
  const cases = (await readdir(GOLDEN)).filter((n) => existsSync(join(GOLDEN, n, 'slos')) || existsSync(join(GOLDEN, n, 'drills'))).sort();
  const golden = await Promise.all(
    cases.map(async (n) =>
      compiled(`golden ${n}`, await readSpecDir(join(GOLDEN, n, 'slos'), undefined, { missingOk: true }), await readSpecDir(join(GOLDEN, n, 'drills'), undefined, { missingOk: true })),
    ),
  );
  return [
    ...golden.flat(),
    ...compiled('promtool fixtures', await readSpecDir(PROMTOOL_FIXTURES)),
    ...compiled('limits', [service('checkout', 40), service('payments_v2', 1), service(`${'descriptive-'.repeat(6)}name`, 1), OUTPUTS]),
    // Only its Elasticsearch files: the rest is what any fleet without services compiles to.
    ...compiled('every retention option', [{ path: 'slos/retention.yaml', text: await readFile(EVERY_RETENTION_OPTION, 'utf8') }]).filter((o) =>
      o.path.startsWith(`${ELASTICSEARCH_DIR}/`),
    ),
  ];
}

/** Committed and fixture outputs whose path matches `pattern`, in a stable order. */
export async function consumerOutputs(pattern: RegExp): Promise<Output[]> {
  return [...(await committed()), ...(await fromFixtures())].filter((o) => pattern.test(o.path));
}
