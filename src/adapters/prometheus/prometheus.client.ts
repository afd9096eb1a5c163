import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import pRetry from 'p-retry';
import { Agent, fetch, type Response } from 'undici';
import { MetricsQuery } from '../../core/ports/metrics-query.js';
import { describeRequestError } from '../http/http-error.js';
import type { PrometheusAuth } from '../../config/prometheus-auth.js';
import { authHeaders } from './prometheus-auth.js';

/** A rule group as Prometheus has loaded it (GET /api/v1/rules). */
export interface LoadedRuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly { readonly name: string; readonly query: string; readonly type: string }[];
}

/** Prometheus answered, but not with 2xx: `body` is its own text, the part worth showing a user. */
export class PrometheusHttpError extends Error {
  constructor(
    readonly request: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${request}: HTTP ${status}: ${body.trim() || '(empty body)'}`);
    this.name = 'PrometheusHttpError';
  }
}

/** Prometheus could not be reached at all (refused, DNS, timeout): nothing was sent or nothing came back. */
export class PrometheusUnreachableError extends Error {
  constructor(request: string, reason: string) {
    super(`cannot reach Prometheus: ${request}: ${reason}`);
    this.name = 'PrometheusUnreachableError';
  }
}

/** One series of an instant-query answer, its value already a number (NaN and ±Inf as Prometheus wrote them). */
export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusClientOptions {
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** Further attempts after the first, for queries only (reload and rule listing are not retried). */
  readonly retries?: number;
  /** First backoff; doubles per retry. */
  readonly retryBaseMs?: number;
  /** Bearer token or basic auth, tenant header, extra CA (prometheus-auth.ts). */
  readonly auth?: PrometheusAuth;
}

/**
 * The Prometheus HTTP API endpoints Vigil needs (Prometheus, Thanos Query and Mimir serve the same
 * /api/v1 paths). I/O only: what to do with the answers is decided by the caller. Every request
 * has a timeout, so a hung server cannot hang the CLI or a budget cycle.
 */
export class PrometheusClient extends MetricsQuery {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly auth: PrometheusAuth;
  /** Set for an extra CA: `ca` alone would replace Node's roots, so they are kept beside it. */
  private readonly dispatcher?: Agent;

  constructor(baseUrl: string, opts: PrometheusClientOptions | number = {}) {
    super();
    const o: PrometheusClientOptions = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    this.auth = o.auth ?? {};
    if (this.auth.caFile) this.dispatcher = new Agent({ connect: { ca: [...rootCertificates, readFileSync(this.auth.caFile, 'utf8')] } });
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.retries = o.retries ?? 2;
    this.retryBaseMs = o.retryBaseMs ?? 500;
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new Error(`invalid Prometheus URL "${baseUrl}": expected e.g. http://127.0.0.1:9090`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`invalid Prometheus URL "${baseUrl}": only http and https are supported`);
    // Keep a path prefix (Prometheus behind --web.route-prefix or a proxy); only drop the trailing slash.
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** GET /-/ready: resolves when Prometheus serves traffic. */
  async ready(): Promise<void> {
    await this.request('GET', '/-/ready');
  }

  /**
   * POST /-/reload. Needs --web.enable-lifecycle. Prometheus answers 500 when it rejects the new
   * configuration or a rule file, and then keeps running with the previous rules.
   */
  async reload(): Promise<void> {
    await this.request('POST', '/-/reload');
  }

  /** GET /api/v1/rules: every rule group Prometheus evaluates now. */
  async ruleGroups(): Promise<LoadedRuleGroup[]> {
    const text = await this.request('GET', '/api/v1/rules');
    let body: { status?: string; error?: string; data?: { groups?: LoadedRuleGroup[] } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`GET ${this.base}/api/v1/rules: not JSON: ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success' || !Array.isArray(body.data?.groups)) {
      throw new Error(`GET ${this.base}/api/v1/rules: unexpected answer: ${body.error ?? text.slice(0, 200)}`);
    }
    return body.data.groups;
  }

  /**
   * POST /api/v1/query at `time` (epoch seconds). POST, not GET: batched budget queries run to
   * hundreds of kilobytes, past any URL limit. Retried with exponential backoff when Prometheus is
   * unreachable or answers 5xx/429 (a restarting Prometheus, an overloaded querier); a 4xx is a bad
   * query, which no retry mends.
   */
  async query(promql: string, time: number): Promise<InstantSample[]> {
    const body = new URLSearchParams({ query: promql, time: String(time) }).toString();
    const text = await pRetry(() => this.request('POST', '/api/v1/query', body), {
      retries: this.retries,
      minTimeout: this.retryBaseMs,
      factor: 2,
      randomize: false,
      shouldRetry: (err) => err instanceof PrometheusUnreachableError || (err instanceof PrometheusHttpError && (err.status >= 500 || err.status === 429)),
    }).catch((err: unknown) => {
      // The server's own words first: "bad_data: parse error at char 12: ..." is what a user can act on.
      if (err instanceof PrometheusHttpError) throw new PrometheusHttpError(err.request, err.status, apiError(err.body));
      throw err;
    });
    let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] } };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error(`POST ${this.base}/api/v1/query: not JSON: ${text.slice(0, 200)}`);
    }
    if (parsed.status !== 'success' || parsed.data?.resultType !== 'vector' || !Array.isArray(parsed.data.result)) {
      throw new Error(`POST ${this.base}/api/v1/query: expected an instant vector, got ${parsed.error ?? parsed.data?.resultType ?? text.slice(0, 200)}`);
    }
    return parsed.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }

  private async request(method: 'GET' | 'POST', path: string, form?: string): Promise<string> {
    const url = `${this.base}${path}`;
    const label = `${method} ${url}`;
    let res: Response;
    // A secret file that cannot be read is the operator's to fix: it fails the request, never retried as unreachable.
    const headers: Record<string, string> = { ...(await authHeaders(this.auth)), ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) };
    try {
      res = await fetch(url, {
        method,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
        headers,
        ...(form === undefined ? {} : { body: form }),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (err) {
      throw new PrometheusUnreachableError(label, describeRequestError(err, this.timeoutMs));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new PrometheusUnreachableError(label, `reading the answer failed: ${describeRequestError(err, this.timeoutMs)}`);
    }
    if (!res.ok) throw new PrometheusHttpError(label, res.status, text);
    return text;
  }
}

/** Prometheus's JSON error ({"status":"error","errorType":"bad_data","error":"…"}) as one line; other bodies as they are. */
function apiError(body: string): string {
  try {
    const e = JSON.parse(body) as { errorType?: string; error?: string };
    if (e.error) return e.errorType ? `${e.errorType}: ${e.error}` : e.error;
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return body;
}
