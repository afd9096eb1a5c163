import type { RoutingSpec } from '../../spec/routing.parser.js';
import type { Fleet } from '../../validate/validate-fleet.js';
import type { GeneratedFile } from '../rule-files.js';

/** deploy/alertmanager/alertmanager.yml from the routing spec. (Stub: issue #3.) */
export function alertmanagerFiles(_routing: RoutingSpec | undefined, _fleet: Fleet): GeneratedFile[] {
  return [];
}
