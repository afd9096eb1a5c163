/**
 * How Vigil proves itself to a secured Prometheus API: Prometheus with `--web.config.file`, Thanos
 * Query or Mimir behind an authenticating proxy, Mimir's tenant header. Secrets are files, read at
 * every request so a rotated token (a projected service-account token, a Vault agent's file) is
 * used at once; they never sit in the environment or in a URL.
 */
export interface PrometheusAuth {
  /** `Authorization: Bearer <file's content>`. */
  readonly bearerTokenFile?: string;
  /** `Authorization: Basic`, the password from a file. */
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  /** `X-Scope-OrgID`: the Mimir/Cortex/Loki tenant to read (not a secret). */
  readonly tenant?: string;
  /** PEM file of a CA trusted besides the system roots, for an https URL signed by an internal CA. */
  readonly caFile?: string;
}

/**
 * The auth settings from the environment, or the problems with them. Shared by the service's
 * config and the CLI commands that read Prometheus, so both take the same variables.
 */
export function prometheusAuthFromEnv(env: NodeJS.ProcessEnv): { auth: PrometheusAuth; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const token = value('PROMETHEUS_BEARER_TOKEN_FILE');
  const username = value('PROMETHEUS_USERNAME');
  const password = value('PROMETHEUS_PASSWORD_FILE');
  const tenant = value('PROMETHEUS_TENANT');
  const ca = value('PROMETHEUS_CA_FILE');
  if (token && (username || password)) problems.push('PROMETHEUS_BEARER_TOKEN_FILE and PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD_FILE both set: choose one way to authenticate');
  if (Boolean(username) !== Boolean(password)) problems.push('PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD_FILE go together (basic auth)');
  const tenantOk = tenant !== undefined && /^[\x21-\x7e]{1,150}$/.test(tenant);
  if (tenant !== undefined && !tenantOk) problems.push('PROMETHEUS_TENANT must be 1-150 printable characters without spaces (an X-Scope-OrgID value)');
  const url = value('PROMETHEUS_URL');
  if (url && URL.canParse(url)) {
    const u = new URL(url);
    if (u.username || u.password) problems.push('PROMETHEUS_URL must not carry credentials: use PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD_FILE');
  }
  return {
    auth: {
      ...(token ? { bearerTokenFile: token } : {}),
      ...(username && password ? { basicAuth: { username, passwordFile: password } } : {}),
      ...(tenant && tenantOk ? { tenant } : {}),
      ...(ca ? { caFile: ca } : {}),
    },
    problems,
  };
}
