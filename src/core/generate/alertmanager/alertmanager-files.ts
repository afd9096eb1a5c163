import { Document } from 'yaml';
import type { RoutingSpec } from '../../model/routing.js';
import { GENERATED_MARKER, type GeneratedFile } from '../rule-files.js';
import { alertmanagerConfig, type AmConfig } from './alertmanager-config.js';

export const ALERTMANAGER_CONFIG_PATH = 'deploy/alertmanager/alertmanager.yml';

/** deploy/alertmanager/alertmanager.yml from the routing spec; nothing without one. */
export function alertmanagerFiles(routing: RoutingSpec | undefined): GeneratedFile[] {
  if (!routing) return [];
  const header = `${GENERATED_MARKER} from ${routing.file}. Do not edit: change the spec and run \`vigil generate\`.\n`;
  return [{ path: ALERTMANAGER_CONFIG_PATH, content: header + alertmanagerYaml(alertmanagerConfig(routing)) }];
}

export function alertmanagerYaml(config: AmConfig): string {
  // Every object is fresh, so no anchors/aliases; lineWidth 0 keeps matchers on one line.
  return new Document(config, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 });
}
