import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ElasticsearchDeployFiles {
  /** Policy name → the `policy` object of ilm-policy.<name>.json. */
  readonly policies: Map<string, Record<string, unknown>>;
  /** Template name → the body of index-template.<name>.json. */
  readonly templates: Map<string, Record<string, unknown>>;
}

const FILE_RE = /^(ilm-policy|index-template)\.(.+)\.json$/;

/** Reads what `vigil generate` wrote under `<outDir>/deploy/elasticsearch`. */
export async function readElasticsearchDeployFiles(outDir: string): Promise<ElasticsearchDeployFiles> {
  const dir = join(outDir, 'deploy/elasticsearch');
  const names = await readdir(dir).catch(() => {
    throw new Error(`${dir} does not exist: run vigil generate first (or pass --out)`);
  });
  const policies = new Map<string, Record<string, unknown>>();
  const templates = new Map<string, Record<string, unknown>>();
  for (const file of names.sort()) {
    const m = FILE_RE.exec(file);
    if (!m) continue;
    const path = join(dir, file);
    let body: unknown;
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${path}: expected a JSON object`);
    if (m[1] === 'ilm-policy') {
      const policy = (body as { policy?: unknown }).policy;
      if (typeof policy !== 'object' || policy === null) throw new Error(`${path}: expected {"policy": {...}}`);
      policies.set(m[2]!, policy as Record<string, unknown>);
    } else {
      templates.set(m[2]!, body as Record<string, unknown>);
    }
  }
  return { policies, templates };
}
