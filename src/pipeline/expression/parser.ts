/**
 * Parser of the expression language used in `if:` and in `${{ }}`. It has literals, property access,
 * comparison, `&&`, `||`, `!`, parentheses and calls of a fixed set of functions. Nothing is ever
 * passed to `eval`: the parser builds a tree and `evaluate.ts` walks it.
 */
import { ExpressionError } from '../errors.js';

export type Expr =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null; readonly offset: number }
  | { readonly type: 'identifier'; readonly name: string; readonly offset: number }
  | { readonly type: 'member'; readonly object: Expr; readonly property: Expr; readonly offset: number }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly offset: number }
  | { readonly type: 'not'; readonly operand: Expr; readonly offset: number }
  | {
      readonly type: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
      readonly offset: number;
    };

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

type TokenType = 'number' | 'string' | 'identifier' | 'operator' | 'end';

interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly value?: string | number;
  readonly offset: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;

  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }

    const start = i;
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(source.slice(i))!;
      i += match[0].length;
      tokens.push({ type: 'number', text: match[0], value: Number(match[0]), offset: start });
      continue;
    }

    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length)
          throw new ExpressionError('unterminated string: missing closing quote', start);
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += source[i++];
      }
      tokens.push({ type: 'string', text: source.slice(start, i), value, offset: start });
      continue;
    }

    if (ch === '"') {
      throw new ExpressionError("strings use single quotes, such as 'succeeded'", start);
    }

    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))!;
      i += match[0].length;
      tokens.push({ type: 'identifier', text: match[0], offset: start });
      continue;
    }

    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (!operator) throw new ExpressionError(`unexpected character ${JSON.stringify(ch)}`, start);
    i += operator.length;
    tokens.push({ type: 'operator', text: operator, offset: start });
  }

  tokens.push({ type: 'end', text: 'end of expression', offset: source.length });
  return tokens;
}

class Parser {
  #tokens: Token[];
  #position = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Expr {
    const expr = this.#or();
    const next = this.#peek();
    if (next.type !== 'end')
      throw new ExpressionError(`unexpected ${JSON.stringify(next.text)}`, next.offset);
    return expr;
  }

  #peek(): Token {
    return this.#tokens[this.#position]!;
  }

  #take(): Token {
    return this.#tokens[this.#position++]!;
  }

  #isOperator(text: string): boolean {
    const token = this.#peek();
    return token.type === 'operator' && token.text === text;
  }

  #expect(text: string): Token {
    const token = this.#take();
    if (token.type !== 'operator' || token.text !== text) {
      throw new ExpressionError(
        `expected ${JSON.stringify(text)}, got ${JSON.stringify(token.text)}`,
        token.offset,
      );
    }
    return token;
  }

  #or(): Expr {
    let left = this.#and();
    while (this.#isOperator('||')) {
      const op = this.#take();
      left = { type: 'binary', operator: '||', left, right: this.#and(), offset: op.offset };
    }
    return left;
  }

  #and(): Expr {
    let left = this.#equality();
    while (this.#isOperator('&&')) {
      const op = this.#take();
      left = { type: 'binary', operator: '&&', left, right: this.#equality(), offset: op.offset };
    }
    return left;
  }

  #equality(): Expr {
    let left = this.#comparison();
    while (this.#isOperator('==') || this.#isOperator('!=')) {
      const op = this.#take();
      const operator = op.text as BinaryOperator;
      left = { type: 'binary', operator, left, right: this.#comparison(), offset: op.offset };
    }
    return left;
  }

  #comparison(): Expr {
    let left = this.#unary();
    while (['<', '<=', '>', '>='].some((op) => this.#isOperator(op))) {
      const op = this.#take();
      const operator = op.text as BinaryOperator;
      left = { type: 'binary', operator, left, right: this.#unary(), offset: op.offset };
    }
    return left;
  }

  #unary(): Expr {
    if (this.#isOperator('!')) {
      const op = this.#take();
      return { type: 'not', operand: this.#unary(), offset: op.offset };
    }
    return this.#postfix();
  }

  #postfix(): Expr {
    let expr = this.#primary();
    for (;;) {
      if (this.#isOperator('.')) {
        this.#take();
        const name = this.#take();
        if (name.type !== 'identifier') {
          throw new ExpressionError(
            `expected a property name after ".", got ${JSON.stringify(name.text)}`,
            name.offset,
          );
        }
        expr = {
          type: 'member',
          object: expr,
          property: { type: 'literal', value: name.text, offset: name.offset },
          offset: name.offset,
        };
      } else if (this.#isOperator('[')) {
        const open = this.#take();
        const property = this.#or();
        this.#expect(']');
        expr = { type: 'member', object: expr, property, offset: open.offset };
      } else {
        return expr;
      }
    }
  }

  #primary(): Expr {
    const token = this.#take();

    if (token.type === 'number' || token.type === 'string') {
      return { type: 'literal', value: token.value!, offset: token.offset };
    }

    if (token.type === 'identifier') {
      if (token.text === 'true' || token.text === 'false') {
        return { type: 'literal', value: token.text === 'true', offset: token.offset };
      }
      if (token.text === 'null') return { type: 'literal', value: null, offset: token.offset };

      if (this.#isOperator('(')) {
        this.#take();
        const args: Expr[] = [];
        if (!this.#isOperator(')')) {
          args.push(this.#or());
          while (this.#isOperator(',')) {
            this.#take();
            args.push(this.#or());
          }
        }
        this.#expect(')');
        return { type: 'call', name: token.text, args, offset: token.offset };
      }
      return { type: 'identifier', name: token.text, offset: token.offset };
    }

    if (token.type === 'operator' && token.text === '(') {
      const inner = this.#or();
      this.#expect(')');
      return inner;
    }

    throw new ExpressionError(
      token.type === 'end' ? 'expression ends too early' : `unexpected ${JSON.stringify(token.text)}`,
      token.offset,
    );
  }
}

/** Parses `source` into an expression tree; throws {@link ExpressionError} with the offset of the problem. */
export function parseExpression(source: string): Expr {
  if (source.trim() === '') throw new ExpressionError('expression is empty', 0);
  return new Parser(tokenize(source)).parse();
}

/** Opening and closing marks of an expression inside a string value. */
export const EXPRESSION_OPEN = '$' + '{{';
export const EXPRESSION_CLOSE = '}}';

/** A string value split into literal text and embedded expressions. */
export type TemplatePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'expression'; readonly expr: Expr; readonly source: string; readonly offset: number };

/**
 * Splits a string into text and `${{ }}` expressions. `offset` of an expression part is where its
 * source starts in `text`. Throws {@link ExpressionError} for an unclosed `${{` or a bad expression.
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;

  while (i < text.length) {
    const open = text.indexOf(EXPRESSION_OPEN, i);
    if (open === -1) {
      parts.push({ type: 'text', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ type: 'text', text: text.slice(i, open) });

    const start = open + EXPRESSION_OPEN.length;
    const close = findClose(text, start);
    if (close === -1) throw new ExpressionError(`unclosed ${EXPRESSION_OPEN}: missing }}`, open);

    const source = text.slice(start, close);
    let expr: Expr;
    try {
      expr = parseExpression(source);
    } catch (error) {
      if (error instanceof ExpressionError) throw new ExpressionError(error.message, start + error.offset);
      throw error;
    }
    parts.push({ type: 'expression', expr, source, offset: start });
    i = close + EXPRESSION_CLOSE.length;
  }

  return parts;
}

/** Finds the `}}` that closes an expression, skipping quoted strings. */
function findClose(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "'") inString = !inString;
    else if (!inString && text.startsWith(EXPRESSION_CLOSE, i)) return i;
  }
  return -1;
}

/** Tells whether `text` contains a `${{` expression. */
export function hasExpression(text: string): boolean {
  return text.includes(EXPRESSION_OPEN);
}
