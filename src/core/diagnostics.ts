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
  /**
   * 'unknown-field': a field Vigil does not know, listed after a file's other problems. It blocks
   * the file like any problem, but says least about what is wrong: its value is never read, and
   * a typo's intent shows in the problems it causes ("missing required field"), which come first.
   */
  readonly kind?: 'unknown-field';
}

export function diagnostic(at: SourcePos, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, message };
}

/**
 * One line per problem, always: control characters a user value brought in (a name with a
 * newline, an ANSI escape) are written as escapes, so a value cannot forge a second
 * `file:line:col:` line in CI logs or repaint the terminal.
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${oneLine(d.file)}:${d.line}:${d.col}: ${oneLine(d.message)}`;
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function oneLine(text: string): string {
  // C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Most important first, in a stable order: per file, the problems of values before unknown
 * fields, each by line, col and message, so output is the same on every run and machine.
 */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.kind === 'unknown-field' ? 1 : 0);
  return [...ds].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      rank(a) - rank(b) ||
      a.line - b.line ||
      a.col - b.col ||
      compareText(a.message, b.message),
  );
}
