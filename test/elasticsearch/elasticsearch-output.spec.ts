import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNED_DIRS, planOutput, writeOutput } from '../../src/adapters/files/spec-files.js';
import { elasticsearchFiles } from '../../src/core/generate/elasticsearch/elasticsearch-files.js';
import type { IlmPolicyBody } from '../../src/core/generate/elasticsearch/ilm-policy.js';
import type { IndexTemplateBody } from '../../src/core/generate/elasticsearch/index-template.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';

const FIXTURE = 'test/elasticsearch/fixtures/retention.yaml';

async function files() {
  return elasticsearchFiles(loadSpecs([{ path: 'slos/retention.yaml', text: await readFile(FIXTURE, 'utf8') }]).retention);
}

describe('deploy/elasticsearch ownership', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-es-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes a policy file Vigil generated once and no longer does, and keeps a hand-written one', async () => {
    const generated = await files();
    await writeOutput(dir, generated, await planOutput(dir, generated, OWNED_DIRS));
    const without = generated.filter((f) => !f.path.endsWith('/ilm-policy.traces.json'));
    await writeFile(join(dir, 'deploy/elasticsearch/hand-written.json'), '{ "policy": { "phases": {} } }\n');
    const plan = await planOutput(dir, without, OWNED_DIRS);
    expect(plan.remove).toEqual(['deploy/elasticsearch/ilm-policy.traces.json']);
    expect(plan.unchanged).toHaveLength(without.length);
  });
});

describe('the body types come from the official client', () => {
  it('so a misspelt action or setting fails the build', () => {
    // @ts-expect-error: `rolover` is not an ILM action
    const policy: IlmPolicyBody = { policy: { phases: { hot: { actions: { rolover: {} } } } } };
    // @ts-expect-error: `index_pattern` is not a template field
    const template: IndexTemplateBody = { index_pattern: ['logs-*'] };
    expect([policy, template]).toHaveLength(2);
  });
});
