import type { Diagnostic } from '../diagnostics.js';
import type { Fleet } from '../validate/validate-fleet.js';
import type { YamlDocument } from './yaml-source.js';

/** `apiVersion: vigil/v1`, `kind: Routing`: receivers and routes for Alertmanager. (Stub: issue #3.) */
export interface RoutingSpec {
  readonly file: string;
}

export function parseRoutingDocument(src: YamlDocument): { spec?: RoutingSpec; diagnostics: Diagnostic[] } {
  return { spec: { file: src.file }, diagnostics: [] };
}

/** Checks that need the fleet, e.g. routes naming services that do not exist. */
export function checkRouting(_routing: RoutingSpec, _fleet: Fleet): Diagnostic[] {
  return [];
}
