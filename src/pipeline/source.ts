/**
 * Reading YAML with positions: the parsed document, a line counter, and lookups from a path in the
 * document to `file:line:column`.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
} from 'yaml';
import type { PipelineIssue, SourcePosition } from './errors.js';

export type DocumentPath = readonly (string | number)[];

/** A parsed YAML file that maps document paths back to positions. */
export class SourceFile {
  readonly file: string;
  readonly text: string;
  readonly document: Document.Parsed;
  readonly #lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.#lines = new LineCounter();
    // Duplicate keys are reported by findDuplicateKeys with both positions, so the parser keeps them.
    this.document = parseDocument(text, { lineCounter: this.#lines, uniqueKeys: false, prettyErrors: false });
  }

  /** Position of a character offset in the file. */
  position(offset: number): SourcePosition {
    const { line, col } = this.#lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line, column: col };
  }

  issueAt(offset: number, message: string): PipelineIssue {
    return { ...this.position(offset), message };
  }

  /** Syntax errors of the YAML parser. */
  syntaxIssues(): PipelineIssue[] {
    return this.document.errors.map((error) => this.issueAt(error.pos[0], error.message.split('\n')[0]!));
  }

  /** Returns the node at `path`, or the deepest node on the way there when the rest does not exist. */
  nodeAt(path: DocumentPath): Node | undefined {
    let node: unknown = this.document.contents;
    for (const key of path) {
      let next: unknown;
      if (isMap(node)) next = node.items.find((pair) => scalarKey(pair) === String(key))?.value;
      else if (isSeq(node) && typeof key === 'number') next = node.items[key];
      if (next === undefined || next === null) break;
      node = next;
    }
    return (node ?? undefined) as Node | undefined;
  }

  /** Returns the key node of `key` in the map at `path`, for errors about a key itself. */
  keyNode(path: DocumentPath, key: string): Node | undefined {
    const map = this.nodeAt(path);
    if (!isMap(map)) return undefined;
    const pair = map.items.find((item) => scalarKey(item) === key);
    return (pair?.key ?? undefined) as Node | undefined;
  }

  /**
   * Position of the value at `path`. With `offsetInValue`, the position of that character of a string
   * value, found through the value's text in the source; quoted strings with escapes fall back to the
   * start of the value.
   */
  locate(path: DocumentPath, offsetInValue?: number): SourcePosition {
    const node = this.nodeAt(path);
    const start = node?.range?.[0] ?? 0;
    if (offsetInValue === undefined || !node || !isScalar(node) || typeof node.value !== 'string') {
      return this.position(start);
    }

    const raw = this.text.slice(start, node.range![1]);
    const index = raw.indexOf(node.value);
    if (index >= 0) return this.position(start + index + offsetInValue);
    return this.position(start + alignOffset(node, raw, offsetInValue));
  }

  /** Position of the key `key` in the map at `path`, or of the map when the key is absent. */
  locateKey(path: DocumentPath, key: string): SourcePosition {
    const node = this.keyNode(path, key);
    if (node?.range) return this.position(node.range[0]);
    return this.locate(path);
  }

  /** Reports keys that occur twice in one mapping, anywhere in the document. */
  findDuplicateKeys(describe: (path: DocumentPath, key: string) => string): PipelineIssue[] {
    const issues: PipelineIssue[] = [];

    const visit = (node: unknown, path: (string | number)[]): void => {
      if (isMap(node)) {
        const seen = new Map<string, Node>();
        for (const pair of node.items) {
          const key = scalarKey(pair);
          if (key === undefined) continue;
          const first = seen.get(key);
          const keyNode = pair.key as Node;
          if (first) {
            const firstLine = this.position(first.range?.[0] ?? 0).line;
            issues.push(
              this.issueAt(
                keyNode.range?.[0] ?? 0,
                `${describe(path, key)} (first defined on line ${firstLine})`,
              ),
            );
          } else {
            seen.set(key, keyNode);
          }
          visit(pair.value, [...path, key]);
        }
      } else if (isSeq(node)) {
        for (const [index, item] of node.items.entries()) visit(item, [...path, index]);
      }
    };

    visit(this.document.contents, []);
    return issues;
  }
}

function scalarKey(pair: Pair<unknown, unknown>): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string') return key;
  return undefined;
}

/**
 * Finds where character `offset` of a scalar's value lies in its source text `raw`, for values that
 * differ from their source: folded and literal blocks (indentation, line breaks) and quoted strings
 * with escapes. It walks value and source together and skips source characters that do not match.
 */
function alignOffset(node: Scalar, raw: string, offset: number): number {
  const value = String(node.value);
  const isBlock = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  let source = isBlock ? raw.indexOf('\n') + 1 : quoted ? 1 : 0;

  for (let i = 0; i < offset && i < value.length; i++) {
    while (source < raw.length && raw[source] !== value[i]) source++;
    source++;
  }
  while (source < raw.length && /\s/.test(raw[source]!) && !/\s/.test(value[offset] ?? '')) source++;
  return Math.min(source, raw.length);
}
