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

/**
 * The few Prometheus HTTP endpoints `vigil apply` needs. I/O only: what to do with the answers is
 * decided by the caller. Every request has a timeout, so a hung server cannot hang the CLI.
 */
export class PrometheusClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
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

  private async request(method: 'GET' | 'POST', path: string): Promise<string> {
    const url = `${this.base}${path}`;
    const label = `${method} ${url}`;
    let res: Response;
    try {
      res = await fetch(url, { method, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      throw new PrometheusUnreachableError(label, describeFetchError(err, this.timeoutMs));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new PrometheusUnreachableError(label, `reading the answer failed: ${describeFetchError(err, this.timeoutMs)}`);
    }
    if (!res.ok) throw new PrometheusHttpError(label, res.status, text);
    return text;
  }
}

/**
 * fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. Duck-typed, not instanceof:
 * fetch's errors may come from another realm (test runners, workers).
 */
function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (e.cause?.message) return e.cause.message; // e.g. "connect ECONNREFUSED 127.0.0.1:9090"
  if (e.cause?.code) return e.cause.code;
  return e.message ?? String(err);
}
