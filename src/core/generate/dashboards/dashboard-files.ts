import type { Fleet } from '../../validate/validate-fleet.js';
import type { GeneratedFile } from '../rule-files.js';

/** dashboards/*.json, built with @grafana/grafana-foundation-sdk. (Stub: issue #3.) */
export function dashboardFiles(_fleet: Fleet): GeneratedFile[] {
  return [];
}
