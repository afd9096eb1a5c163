import { compareText } from '../compare-text.js';
import { objectName } from './kubernetes-names.js';
import { GENERATED_MARKER, type GeneratedFile } from './rule-files.js';

/**
 * `rules/Kustomization` and `dashboards/Kustomization`: kustomize's lists of the generated
 * PrometheusRules and of the dashboards (as ConfigMaps for Grafana's dashboard sidecar), so
 * deploy/kubernetes takes exactly what `vigil generate` wrote and a new service needs no hand
 * edit. Named `Kustomization`, not `*.yaml`, so nothing that reads rule or spec files takes them
 * for one.
 */
export function kustomizationFiles(files: readonly GeneratedFile[]): GeneratedFile[] {
  const names = (dir: string, suffix: string) =>
    files
      .filter((f) => f.path.startsWith(`${dir}/`) && f.path.endsWith(suffix))
      .map((f) => f.path.slice(dir.length + 1))
      .sort(compareText);
  const header = `${GENERATED_MARKER}. Do not edit: run \`vigil generate\`.\n`;
  const out: GeneratedFile[] = [];
  const rules = names('rules', '.prometheusrule.yaml');
  if (rules.length > 0) {
    out.push({
      path: 'rules/Kustomization',
      content:
        `${header}# The PrometheusRules of this folder, for deploy/kubernetes.\n` +
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' +
        rules.map((r) => `  - ${r}\n`).join(''),
    });
  }
  const dashboards = names('dashboards', '.json');
  if (dashboards.length > 0) {
    out.push({
      path: 'dashboards/Kustomization',
      content:
        `${header}# The dashboards of this folder as ConfigMaps that Grafana's dashboard sidecar loads by their label.\n` +
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n' +
        'generatorOptions:\n' +
        '  # The sidecar finds them by label; a hashed name would leave the old ConfigMap, and an old\n' +
        '  # copy of the dashboard, behind at every change.\n' +
        '  disableNameSuffixHash: true\n' +
        '  labels:\n    grafana_dashboard: "1"\n' +
        'configMapGenerator:\n' +
        dashboards.map((d) => `  - name: ${objectName(`vigil-dashboard-${d.replace(/\.json$/, '')}`)}\n    files:\n      - ${d}\n`).join(''),
    });
  }
  return out;
}
