import { resolve } from 'node:path';
import { planApply, type ApplyStep } from '../../../core/apply/apply-plan.js';
import { readElasticsearchDeployFiles } from '../../../adapters/elasticsearch/deploy-files.js';
import { ElasticsearchAdminClient } from '../../../adapters/elasticsearch/elasticsearch-admin.client.js';
import { sameComponentTemplate, samePolicy, sameIndexTemplate } from '../../../adapters/elasticsearch/elasticsearch-echo.js';
import { readSecretFile } from '../../../adapters/files/secret-file.js';
import { EXIT, type CliIo } from '../../io.js';
import { printApplyReport } from './apply-report.js';

export interface ApplyElasticsearchOptions {
  readonly url: string;
  readonly apiKeyFile?: string;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

/**
 * `vigil apply elasticsearch`: reads deploy/elasticsearch, reads each object back from the
 * cluster, and puts only what differs — policies first, since templates name them, then
 * component templates, since index templates compose them.
 */
export async function applyElasticsearchCommand(opts: ApplyElasticsearchOptions, io: CliIo): Promise<number> {
  let client: ElasticsearchAdminClient | undefined;
  try {
    const files = await readElasticsearchDeployFiles(resolve(io.cwd, opts.out ?? '.'));
    const apiKey = opts.apiKeyFile ? await readSecretFile(resolve(io.cwd, opts.apiKeyFile), '--api-key-file') : undefined;
    client = new ElasticsearchAdminClient({ url: opts.url, apiKey });

    const es = client;
    const policies = planApply('policy', files.policies, await readAll(files.policies, (n) => es.getPolicy(n)), samePolicy);
    const components = planApply(
      'component-template',
      files.componentTemplates,
      await readAll(files.componentTemplates, (n) => es.getComponentTemplate(n)),
      sameComponentTemplate,
    );
    const templates = planApply('index-template', files.templates, await readAll(files.templates, (n) => es.getIndexTemplate(n)), sameIndexTemplate);

    if (!opts.dryRun) {
      for (const s of changed(policies)) await es.putPolicy(s.name, s.desired);
      for (const s of changed(components)) await es.putComponentTemplate(s.name, s.desired);
      for (const s of changed(templates)) await es.putIndexTemplate(s.name, s.desired);
    }
    printApplyReport('elasticsearch', [...policies, ...components, ...templates], opts.dryRun, io);
    return EXIT.ok;
  } catch (err) {
    // Elasticsearch's errors already name the request, status and reason; the key never appears in them.
    io.err(`vigil apply elasticsearch: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.problems;
  } finally {
    await client?.close();
  }
}

async function readAll<T>(desired: ReadonlyMap<string, T>, get: (name: string) => Promise<T | undefined>): Promise<Map<string, T | undefined>> {
  const current = new Map<string, T | undefined>();
  for (const name of desired.keys()) current.set(name, await get(name));
  return current;
}

function changed<T>(steps: readonly ApplyStep<T>[]): ApplyStep<T>[] {
  return steps.filter((s) => s.action !== 'unchanged');
}
