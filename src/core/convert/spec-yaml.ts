import { Document } from 'yaml';

/**
 * Spec documents as YAML a person will read and edit: keys in the order the value was built,
 * multi-line queries as `|` blocks, no line folding (a folded query is hard to diff), and no
 * anchors, which would make one SLO's edit change another's.
 */
export function specYaml(value: unknown): string {
  return new Document(value, { aliasDuplicateObjects: false }).toString({ lineWidth: 0, blockQuote: 'literal' });
}

/** `# Converted by vigil from <file> (<format>)`, then the documents separated by `---`. */
export function convertedFile(source: string, formats: readonly string[], documents: readonly unknown[]): string {
  return `# Converted by vigil from ${source} (${[...new Set(formats)].join(', ')})\n${documents.map(specYaml).join('---\n')}`;
}

/** Drops the entries whose value is undefined or an empty map, so defaults are not written out. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && !isEmptyMap(v))) as Partial<T>;
}

function isEmptyMap(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}
