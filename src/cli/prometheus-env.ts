import { prometheusAuthFromEnv, type PrometheusAuth } from '../config/prometheus-auth.js';

/** The PROMETHEUS_* auth variables, as the service reads them; their problems thrown as one error for the command to print. */
export function prometheusAuthFromProcess(): PrometheusAuth {
  const { auth, problems } = prometheusAuthFromEnv(process.env);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return auth;
}
