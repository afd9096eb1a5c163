import {
  LineCounter,
  Scalar,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml';
import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';

export type Path = readonly (string | number)[];

/**
 * One YAML document of a spec file, with the positions of its nodes kept so every later check
 * can point at the exact line and column it is about.
 */
export class YamlDocument {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly text: string,
    /** The document as plain values, aliases resolved (parseYamlFile resolves them once, within MAX_ALIAS_EXPANSION). */
    private readonly js: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }),
    /** Where this spec document sits in the YAML document: [] for all of it, [i] for an item of a top-level sequence. */
    private readonly base: Path = [],
  ) {}

  /**
   * The items of a top-level sequence, each as a document of its own, when this YAML document is
   * one: OpenSLO's Go SDK and oslo write several specs as one list (`- apiVersion: openslo/v1 …`).
   * Positions stay those of the file.
   */
  items(): YamlDocument[] | undefined {
    if (!Array.isArray(this.js) || this.base.length > 0) return undefined;
    return this.js.map((item, i) => new YamlDocument(this.file, this.doc, this.lines, this.text, item, [i]));
  }

  toJS(): unknown {
    return this.js;
  }

  /** Position of the value at `path` (or of its key with `key: true`); missing nodes fall back to the nearest parent. */
  pos(path: Path, opts: { key?: boolean } = {}): SourcePos {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    let last: Node | undefined = this.doc.contents ?? undefined;
    for (const seg of [...this.base, ...path]) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
        last = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        node = node.items[seg];
        last = node as Node;
      } else {
        break;
      }
    }
    const target = opts.key && keyNode ? keyNode : last;
    return this.offsetPos(target?.range?.[0] ?? 0);
  }

  /**
   * The scalar at `path` as written: a plain `1.50` stays "1.50", where the parsed value would be
   * the number 1.5. For values compared as text with what another program prints.
   */
  scalarSource(path: Path): string | undefined {
    const node = this.doc.getIn([...this.base, ...path], true);
    if (!(node instanceof Scalar)) return undefined;
    return typeof node.source === 'string' && node.type === Scalar.PLAIN ? node.source : String(node.value);
  }

  /**
   * Position of character `offset` inside the string scalar at `path`. Exact for one-line plain
   * or quoted scalars and for `|` blocks; other styles point at the scalar itself.
   */
  posInScalar(path: Path, offset: number): SourcePos {
    const node = this.doc.getIn([...this.base, ...path], true);
    if (!(node instanceof Scalar) || typeof node.value !== 'string' || !node.range) return this.pos(path);
    const value = node.value;
    const before = value.slice(0, offset);
    const lineInValue = before.split('\n').length - 1;
    const colInValue = offset - (before.lastIndexOf('\n') + 1);
    const start = node.range[0];
    switch (node.type) {
      case Scalar.PLAIN:
        return lineInValue === 0 ? this.offsetPos(start + offset) : this.offsetPos(start);
      case Scalar.QUOTE_SINGLE:
      case Scalar.QUOTE_DOUBLE: {
        const raw = this.text.slice(start, node.range[1]);
        // Escapes shift columns; only map when the source holds the value verbatim.
        return raw.includes('\n') || !raw.includes(value)
          ? this.offsetPos(start)
          : this.offsetPos(start + 1 + offset);
      }
      case Scalar.BLOCK_LITERAL: {
        // Content lines start on the line after the `|` header, indented like the first of them.
        const header = this.offsetPos(start);
        const firstContentStart = this.lines.lineStarts[header.line];
        if (firstContentStart === undefined) return header;
        const firstLine = this.text.slice(firstContentStart).split('\n', 1)[0]!;
        const indent = firstLine.length - firstLine.trimStart().length;
        return { file: this.file, line: header.line + 1 + lineInValue, col: indent + colInValue + 1 };
      }
      default:
        return this.offsetPos(start);
    }
  }

  private offsetPos(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }
}

export interface ParsedYaml {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

/**
 * How far aliases may expand a document (yaml's maxAliasCount: uses × the nodes each brings in).
 * Hundreds of `labels: *common` are fine; an alias bomb (aliases of aliases, growing
 * exponentially) is refused before it eats the memory.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Every non-empty document of a file; syntax errors become diagnostics and their documents are dropped. */
export function parseYamlFile(file: string, text: string): ParsedYaml {
  const lines = new LineCounter();
  // yaml's own uniqueKeys check compares each key with every key before it: a 30,000-key map took
  // 6 s. Duplicates are found below with a set per map instead.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const { line, col } = lines.linePos(err.pos[0]);
        diagnostics.push(diagnostic({ file, line, col }, `YAML syntax error: ${firstLine(err.message)}`));
      }
      continue;
    }
    if (doc.contents === null) continue;
    const duplicates = duplicateKeys(file, doc as Document, lines);
    if (duplicates.length > 0) {
      diagnostics.push(...duplicates);
      continue;
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (err) {
      diagnostics.push(aliasProblem(file, doc as Document, lines, err));
      continue;
    }
    documents.push(new YamlDocument(file, doc as Document, lines, text, js));
  }
  return { documents, diagnostics };
}

/** A key written twice in one mapping (YAML forbids it; which value would count is up to the reader), located at the second. */
function duplicateKeys(file: string, doc: Document, lines: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) {
          // `{{ $labels.x }}: …` unquoted is a mapping used as a key: no spec field is one.
          const { line, col } = lines.linePos((pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0);
          out.push(diagnostic({ file, line, col }, 'YAML: this key is a mapping or a list, not a name (a {{ template }} must be quoted)'));
          continue;
        }
        const key = String(pair.key.value);
        const at = pair.key.range?.[0] ?? 0;
        const seen = first.get(key);
        if (seen === undefined) first.set(key, at);
        else {
          const { line, col } = lines.linePos(at);
          out.push(diagnostic({ file, line, col }, `YAML: key ${JSON.stringify(key)} appears twice in this mapping (first at line ${lines.linePos(seen).line}); keep one`));
        }
      }
    },
  });
  return out;
}

/** An alias that cannot be resolved, or aliases that expand too far: located at the alias, the document dropped. */
function aliasProblem(file: string, doc: Document, lines: LineCounter, err: unknown): Diagnostic {
  const anchors = new Set<string>();
  let unresolved: Alias | undefined;
  let first: Alias | undefined;
  visit(doc, {
    Node(_, node) {
      if ('anchor' in node && typeof node.anchor === 'string') anchors.add(node.anchor);
    },
    Alias(_, node) {
      first ??= node;
      if (!unresolved && !anchors.has(node.source)) unresolved = node;
    },
  });
  const at = (node: Alias | undefined) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { file, line, col };
  };
  if (unresolved) return diagnostic(at(unresolved), `YAML alias *${unresolved.source} names no anchor defined before it (&${unresolved.source})`);
  if (/Excessive alias count/.test(String((err as Error).message))) {
    return diagnostic(at(first), `YAML aliases in this document expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?): write the values out, or alias fewer times`);
  }
  return diagnostic(at(first), `YAML: ${firstLine(String((err as Error).message))}`);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
