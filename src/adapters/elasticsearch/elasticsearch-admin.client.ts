import { Client, errors } from '@elastic/elasticsearch';
import type { ComponentTemplateBody } from '../../core/generate/elasticsearch/component-template.js';
import type { IlmPolicyBody } from '../../core/generate/elasticsearch/ilm-policy.js';
import type { IndexTemplateBody } from '../../core/generate/elasticsearch/index-template.js';

/** A failure Elasticsearch answered with (status and its own reason), or the server could not be reached. */
export class ElasticsearchApplyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ElasticsearchApplyError';
  }
}

export interface ElasticsearchAdminOptions {
  readonly url: string;
  /** Read from a file by the caller; sent as `Authorization: ApiKey …`, never logged. */
  readonly apiKey?: string;
  readonly requestTimeoutMs?: number;
  readonly maxRetries?: number;
}

/**
 * The three Elasticsearch APIs `vigil apply` needs, through the official client. Bodies are the
 * types core's generator writes (IlmPolicyBody, IndexTemplateBody), so what is put is what
 * `vigil generate` produced. Reads return the object as Vigil wrote it (the `policy` of GET
 * _ilm/policy, the `component_template` of GET _component_template, the `index_template` of GET
 * _index_template) plus what the server adds, or
 * undefined on 404; every other failure becomes an ElasticsearchApplyError.
 */
export class ElasticsearchAdminClient {
  private readonly client: Client;

  constructor(private readonly opts: ElasticsearchAdminOptions) {
    this.client = new Client({
      node: opts.url,
      ...(opts.apiKey ? { auth: { apiKey: opts.apiKey } } : {}),
      requestTimeout: opts.requestTimeoutMs ?? 10_000,
      // Retries cover a node restarting; the same put is idempotent, so a retried PUT is safe.
      maxRetries: opts.maxRetries ?? 2,
    });
  }

  async getPolicy(name: string): Promise<IlmPolicyBody['policy'] | undefined> {
    const got = await this.call(`GET _ilm/policy/${name}`, () => this.client.ilm.getLifecycle({ name }));
    return got?.[name]?.policy;
  }

  async putPolicy(name: string, policy: IlmPolicyBody['policy']): Promise<void> {
    await this.call(`PUT _ilm/policy/${name}`, () => this.client.ilm.putLifecycle({ name, policy }), false);
  }

  async getComponentTemplate(name: string): Promise<ComponentTemplateBody | undefined> {
    const got = await this.call(`GET _component_template/${name}`, () => this.client.cluster.getComponentTemplate({ name }));
    return got?.component_templates.find((t) => t.name === name)?.component_template as ComponentTemplateBody | undefined;
  }

  async putComponentTemplate(name: string, body: ComponentTemplateBody): Promise<void> {
    await this.call(`PUT _component_template/${name}`, () => this.client.cluster.putComponentTemplate({ name, ...body }), false);
  }

  async getIndexTemplate(name: string): Promise<IndexTemplateBody | undefined> {
    const got = await this.call(`GET _index_template/${name}`, () => this.client.indices.getIndexTemplate({ name }));
    return got?.index_templates.find((t) => t.name === name)?.index_template as IndexTemplateBody | undefined;
  }

  async putIndexTemplate(name: string, body: IndexTemplateBody): Promise<void> {
    await this.call(`PUT _index_template/${name}`, () => this.client.indices.putIndexTemplate({ name, ...body }), false);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Runs one request; 404 means absent for reads. */
  private async call<T>(what: string, run: () => Promise<T>, absentOn404 = true): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof errors.ResponseError) {
        if (absentOn404 && err.statusCode === 404) return undefined;
        throw new ElasticsearchApplyError(`${what}: Elasticsearch answered ${err.statusCode ?? '?'}: ${reasonOf(err.body)}`, err.statusCode);
      }
      if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError) {
        throw new ElasticsearchApplyError(`cannot reach Elasticsearch at ${this.opts.url}: ${err.message}`);
      }
      if (err instanceof errors.ProductNotSupportedError) {
        throw new ElasticsearchApplyError(`${this.opts.url} does not answer as Elasticsearch: ${err.message}`);
      }
      throw err;
    }
  }
}

/** Elasticsearch puts its reason in `error.reason` (or a root cause); a proxy may answer with plain text. */
function reasonOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500) || '(empty body)';
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as { type?: string; reason?: string; root_cause?: { type?: string; reason?: string }[] };
    const reason = e.reason ?? e.root_cause?.[0]?.reason;
    return [e.type, reason].filter(Boolean).join(': ') || JSON.stringify(error);
  }
  return JSON.stringify(body) ?? '(no body)';
}
