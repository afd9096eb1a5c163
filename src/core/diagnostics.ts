import { compareText } from './compare-text.js';

/** A problem found in a spec, located the way editors and CI annotate: `file:line:col: message`. */
export interface SourcePos {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly col: number;
}

export interface Diagnostic extends SourcePos {
  readonly message: string;
}

export function diagnostic(at: SourcePos, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, message };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** Stable order (file, line, col, message) so output is the same on every run and machine. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      compareText(a.message, b.message),
  );
}
