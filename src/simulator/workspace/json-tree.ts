/**
 * JSON values that remember whether each number was written as an integer. KNIME derives the
 * OpenAPI type of an example number from its written form (`42` is `integer`, `42.0` is
 * `number`), and `JSON.parse` loses that difference.
 */

export type JsonNode =
  | { readonly type: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly type: 'array'; readonly items: readonly JsonNode[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number; readonly integral: boolean }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' };

export const JSON_NULL: JsonNode = { type: 'null' };

/** Raised for text that is not valid JSON; the message names the source and the offset. */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
}

export function jsonString(value: string): JsonNode {
  return { type: 'string', value };
}

export function jsonNumber(value: number, integral: boolean): JsonNode {
  return { type: 'number', value, integral };
}

export function jsonBoolean(value: boolean): JsonNode {
  return { type: 'boolean', value };
}

export function jsonObject(entries: readonly (readonly [string, JsonNode])[]): JsonNode {
  return { type: 'object', entries };
}

export function jsonArray(items: readonly JsonNode[]): JsonNode {
  return { type: 'array', items };
}

/** Converts to the plain value `JSON.parse` would return; a repeated object key keeps its last value. */
export function toPlainJson(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, value] of node.entries) {
        Object.defineProperty(result, key, {
          value: toPlainJson(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    case 'array':
      return node.items.map(toPlainJson);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/**
 * Converts a plain value to a tree. A number counts as integral when it has no fractional part,
 * which is how Java serialises `int` and `long` values; pass tree nodes for `double` values.
 */
export function fromPlainJson(value: unknown): JsonNode {
  if (value === null || value === undefined) return JSON_NULL;
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'boolean') return jsonBoolean(value);
  if (typeof value === 'number') return jsonNumber(value, Number.isInteger(value));
  if (Array.isArray(value)) return jsonArray(value.map(fromPlainJson));
  if (typeof value === 'object') {
    return jsonObject(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromPlainJson(v)]),
    );
  }
  throw new TypeError(`cannot convert a ${typeof value} to JSON`);
}

/**
 * Parses JSON text (RFC 8259) into a tree.
 *
 * @param source label named in error messages, such as a node folder and setting key
 * @throws JsonTextError when the text is not valid JSON
 */
export function parseJsonTree(text: string, source: string): JsonNode {
  const reader = new JsonReader(text, source);
  reader.skipWhitespace();
  const node = reader.readValue();
  reader.skipWhitespace();
  if (!reader.atEnd()) reader.fail('unexpected text after the JSON value');
  return node;
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class JsonReader {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(message: string): never {
    throw new JsonTextError(`${this.source}: invalid JSON at offset ${this.position}: ${message}`);
  }

  skipWhitespace(): void {
    while (!this.atEnd() && ' \t\n\r'.includes(this.text.charAt(this.position))) this.position++;
  }

  readValue(): JsonNode {
    const char = this.text.charAt(this.position);
    if (char === '{') return this.readObject();
    if (char === '[') return this.readArray();
    if (char === '"') return jsonString(this.readString());
    if (char === '-' || (char >= '0' && char <= '9')) return this.readNumber();
    if (this.text.startsWith('true', this.position)) return this.readLiteral('true', jsonBoolean(true));
    if (this.text.startsWith('false', this.position)) return this.readLiteral('false', jsonBoolean(false));
    if (this.text.startsWith('null', this.position)) return this.readLiteral('null', JSON_NULL);
    return this.fail(
      this.atEnd() ? 'unexpected end of text' : `unexpected character ${JSON.stringify(char)}`,
    );
  }

  private readLiteral(word: string, node: JsonNode): JsonNode {
    this.position += word.length;
    return node;
  }

  private readNumber(): JsonNode {
    NUMBER_PATTERN.lastIndex = this.position;
    const match = NUMBER_PATTERN.exec(this.text);
    if (!match) return this.fail('malformed number');
    this.position += match[0].length;
    // Java's JsonNumber.isIntegral() is true only for a scale of 0: no fraction and no exponent.
    return jsonNumber(Number(match[0]), match[1] === undefined && match[2] === undefined);
  }

  private readString(): string {
    this.position++;
    let result = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const char = this.text.charAt(this.position);
      if (char === '"') {
        this.position++;
        return result;
      }
      if (char === '\\') {
        result += this.readEscape();
        continue;
      }
      if (char < ' ') this.fail('control character in string');
      result += char;
      this.position++;
    }
  }

  private readEscape(): string {
    const code = this.text.charAt(this.position + 1);
    if (code === 'u') {
      const hex = this.text.slice(this.position + 2, this.position + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('malformed \\u escape');
      this.position += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const replacement = ESCAPES[code];
    if (replacement === undefined) this.fail(`unknown escape \\${code}`);
    this.position += 2;
    return replacement;
  }

  private readArray(): JsonNode {
    this.position++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text.charAt(this.position) === ']') {
      this.position++;
      return jsonArray(items);
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.readValue());
      this.skipWhitespace();
      const char = this.text.charAt(this.position);
      this.position++;
      if (char === ']') return jsonArray(items);
      if (char !== ',') this.fail('expected "," or "]" in array');
    }
  }

  private readObject(): JsonNode {
    this.position++;
    const entries: [string, JsonNode][] = [];
    this.skipWhitespace();
    if (this.text.charAt(this.position) === '}') {
      this.position++;
      return jsonObject(entries);
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charAt(this.position) !== '"') this.fail('expected a string key in object');
      const key = this.readString();
      this.skipWhitespace();
      if (this.text.charAt(this.position) !== ':') this.fail('expected ":" after object key');
      this.position++;
      this.skipWhitespace();
      entries.push([key, this.readValue()]);
      this.skipWhitespace();
      const char = this.text.charAt(this.position);
      this.position++;
      if (char === '}') return jsonObject(entries);
      if (char !== ',') this.fail('expected "," or "}" in object');
    }
  }
}
