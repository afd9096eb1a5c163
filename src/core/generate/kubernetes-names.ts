import { nameHash } from './name-hash.js';

/**
 * Names Vigil puts into Kubernetes objects, from service names. A service name may hold `_` and
 * be up to any length (it is a Prometheus label value and a file name), which Kubernetes refuses
 * in `metadata.name` (a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, at most 253)
 * and in label values (at most 63). A name that is valid is used as it is; one that is not is
 * mapped: invalid characters become `-`, it is shortened, and a hash of the original is appended,
 * so two names never map to the same object (`a_b` and `a-b` stay apart) and a name never changes
 * between runs. docs/outputs-spec.md documents the mapping.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_OBJECT_NAME = 253;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_LABEL_VALUE = 63;

/** A DNS-1123 label: what a namespace name must be. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

/** A DNS-1123 subdomain: `metadata.name`, and the prefix of a label key. */
export function isObjectName(name: string): boolean {
  return name.length <= MAX_OBJECT_NAME && DNS_SUBDOMAIN.test(name);
}

export function isLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL_VALUE && LABEL_VALUE.test(value);
}

/** `metadata.name` for `name` (e.g. `vigil-checkout`). */
export function objectName(name: string): string {
  if (isObjectName(name)) return name;
  const hash = nameHash(name);
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_OBJECT_NAME - hash.length - 1)
    .replace(/[^a-z0-9]+$/, '');
  return base ? `${base}-${hash}` : hash;
}

/** A label value for `value` (e.g. `app.kubernetes.io/part-of: checkout`). */
export function labelValue(value: string): string {
  if (isLabelValue(value)) return value;
  const hash = nameHash(value);
  const base = value
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_LABEL_VALUE - hash.length - 1)
    .replace(/[^A-Za-z0-9]+$/, '');
  return base ? `${base}-${hash}` : hash;
}
