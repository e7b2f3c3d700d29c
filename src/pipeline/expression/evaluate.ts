import { isDeepStrictEqual } from 'node:util';
import { ExpressionError, MissingReferenceError } from '../errors.js';
import type { JsonValue, StepOutputs } from '../steps/types.js';
import { type Expr, parseTemplate, type TemplatePart } from './parser.js';

/** Value of `steps.<name>` for a step that ended. */
export interface StepView {
  /** End state before `continue-on-error` applies: succeeded, failed, timed-out, cancelled or skipped. */
  readonly outcome: string;
  /** End state as dependents see it: `outcome`, except `succeeded` for a failure with `continue-on-error`. */
  readonly conclusion: string;
  readonly outputs: StepOutputs;
}

/** Values an expression can read. */
export interface EvaluationContext {
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Steps this step depends on (directly or not) that have ended. */
  readonly steps: Readonly<Record<string, StepView>>;
  /** Results of the status functions for the step being evaluated. */
  readonly status: { readonly success: boolean; readonly failure: boolean; readonly cancelled: boolean };
}

/** Context roots an expression may start with. */
export const EXPRESSION_ROOTS = ['params', 'steps', 'env'] as const;

/** Functions with their number of arguments. */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, number>> = {
  success: 0,
  failure: 0,
  always: 0,
  cancelled: 0,
  contains: 2,
  startsWith: 2,
  endsWith: 2,
  fromJSON: 1,
  toJSON: 1,
};

/** Status functions; an `if:` that calls none of them is combined with `success()`. */
export const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'] as const;

/** Truthiness as in JavaScript, except that objects and arrays are always true. */
export function isTruthy(value: JsonValue | undefined): boolean {
  return !(value === false || value === null || value === undefined || value === 0 || value === '');
}

/** Turns a value into text for a template: strings as they are, everything else as JSON. */
export function toText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Converts a numeric string such as `'42'` to a number; returns `undefined` for anything else. */
function asNumber(value: JsonValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/**
 * Compares for `==`: values of the same type compare by value (deeply for arrays and objects); a number
 * and a numeric string compare as numbers, because command outputs are strings.
 */
function looseEquals(left: JsonValue, right: JsonValue): boolean {
  if (typeof left === typeof right) return isDeepStrictEqual(left, right);
  if (typeof left === 'number' || typeof right === 'number') {
    const a = asNumber(left);
    const b = asNumber(right);
    return a !== undefined && b !== undefined && a === b;
  }
  return false;
}

function compare(operator: string, left: JsonValue, right: JsonValue, offset: number): boolean {
  let a: number | string | undefined;
  let b: number | string | undefined;
  if (typeof left === 'string' && typeof right === 'string') {
    const na = asNumber(left);
    const nb = asNumber(right);
    [a, b] = na !== undefined && nb !== undefined ? [na, nb] : [left, right];
  } else {
    a = asNumber(left);
    b = asNumber(right);
  }
  if (a === undefined || b === undefined) {
    throw new ExpressionError(
      `cannot compare ${JSON.stringify(left)} ${operator} ${JSON.stringify(right)}: both sides must be numbers or strings`,
      offset,
    );
  }
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Dotted path of a member chain, such as `steps.extract.outputs.rows`, for error messages. */
function describePath(expr: Expr, context: EvaluationContext): string {
  if (expr.type === 'identifier') return expr.name;
  if (expr.type === 'member') {
    const property =
      expr.property.type === 'literal'
        ? String(expr.property.value)
        : `[${evaluateSafe(expr.property, context)}]`;
    return `${describePath(expr.object, context)}.${property}`;
  }
  return '(expression)';
}

function evaluateSafe(expr: Expr, context: EvaluationContext): string {
  try {
    return JSON.stringify(evaluate(expr, context));
  } catch {
    return '?';
  }
}

function missingDetail(expr: Expr & { type: 'member' }, container: JsonValue, key: string): string {
  const object = expr.object;
  if (object.type === 'member' && object.property.type === 'literal' && object.property.value === 'outputs') {
    const step =
      object.object.type === 'member' && object.object.property.type === 'literal'
        ? object.object.property.value
        : '?';
    const keys = container !== null && typeof container === 'object' ? Object.keys(container) : [];
    return `step ${step} has no output "${key}" (its outputs: ${keys.length > 0 ? keys.join(', ') : 'none'})`;
  }
  if (object.type === 'identifier' && object.name === 'steps') {
    return `step ${key} has not ended, or this step does not depend on it through needs`;
  }
  if (object.type === 'identifier' && object.name === 'env') {
    return `environment variable ${key} is not set`;
  }
  return `no property "${key}"`;
}

/** Evaluates an expression tree. Throws {@link MissingReferenceError} or {@link ExpressionError}. */
export function evaluate(expr: Expr, context: EvaluationContext): JsonValue {
  switch (expr.type) {
    case 'literal':
      return expr.value;

    case 'identifier': {
      if (expr.name === 'params') return context.params as JsonValue;
      if (expr.name === 'steps') return context.steps as unknown as JsonValue;
      if (expr.name === 'env') return context.env as JsonValue;
      throw new ExpressionError(
        `unknown name ${expr.name}; expressions start with params, steps or env`,
        expr.offset,
      );
    }

    case 'member': {
      const container = evaluate(expr.object, context);
      const key = evaluate(expr.property, context);
      if (typeof key !== 'string' && typeof key !== 'number') {
        throw new ExpressionError(
          `property name must be a string or number, got ${JSON.stringify(key)}`,
          expr.offset,
        );
      }
      const value =
        container !== null && typeof container === 'object' && Object.hasOwn(container, String(key))
          ? (container as Record<string, JsonValue | undefined>)[String(key)]
          : undefined;
      if (value === undefined) {
        throw new MissingReferenceError(
          describePath(expr, context),
          expr.offset,
          missingDetail(expr, container, String(key)),
        );
      }
      return value;
    }

    case 'not':
      return !isTruthy(evaluate(expr.operand, context));

    case 'binary': {
      if (expr.operator === '&&') {
        const left = evaluate(expr.left, context);
        return isTruthy(left) ? evaluate(expr.right, context) : left;
      }
      if (expr.operator === '||') {
        const left = evaluate(expr.left, context);
        return isTruthy(left) ? left : evaluate(expr.right, context);
      }
      const left = evaluate(expr.left, context);
      const right = evaluate(expr.right, context);
      if (expr.operator === '==') return looseEquals(left, right);
      if (expr.operator === '!=') return !looseEquals(left, right);
      return compare(expr.operator, left, right, expr.offset);
    }

    case 'call':
      return callFunction(expr, context);
  }
}

function callFunction(expr: Expr & { type: 'call' }, context: EvaluationContext): JsonValue {
  const args = expr.args.map((arg) => evaluate(arg, context));
  switch (expr.name) {
    case 'success':
      return context.status.success;
    case 'failure':
      return context.status.failure;
    case 'cancelled':
      return context.status.cancelled;
    case 'always':
      return true;
    case 'contains': {
      const [haystack, needle] = args as [JsonValue, JsonValue];
      if (Array.isArray(haystack)) return haystack.some((item) => looseEquals(item, needle));
      return toText(haystack).includes(toText(needle));
    }
    case 'startsWith':
      return toText(args[0]!).startsWith(toText(args[1]!));
    case 'endsWith':
      return toText(args[0]!).endsWith(toText(args[1]!));
    case 'fromJSON':
      try {
        return JSON.parse(toText(args[0]!)) as JsonValue;
      } catch {
        throw new ExpressionError(`fromJSON: ${JSON.stringify(args[0])} is not valid JSON`, expr.offset);
      }
    case 'toJSON':
      return JSON.stringify(args[0]);
    default:
      throw new ExpressionError(`unknown function ${expr.name}()`, expr.offset);
  }
}

/**
 * Resolves the `${{ }}` expressions in a string. A string that is exactly one expression yields the
 * expression's value with its type (a number stays a number); otherwise the parts are joined as text.
 * Errors carry the offset within `text`.
 */
export function resolveTemplate(text: string, context: EvaluationContext): JsonValue {
  const parts: TemplatePart[] = parseTemplate(text);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.type === 'expression') return evaluateAt(only, context);

  return parts.map((part) => (part.type === 'text' ? part.text : toText(evaluateAt(part, context)))).join('');
}

function evaluateAt(part: TemplatePart & { type: 'expression' }, context: EvaluationContext): JsonValue {
  try {
    return evaluate(part.expr, context);
  } catch (error) {
    if (error instanceof MissingReferenceError) {
      throw new MissingReferenceError(
        error.path,
        part.offset + error.offset,
        error.message.replace(/^.*? is not defined: /, ''),
      );
    }
    if (error instanceof ExpressionError)
      throw new ExpressionError(error.message, part.offset + error.offset);
    throw error;
  }
}

/** A reference found by {@link collectReferences}: a root such as `steps` and the name after it. */
export interface ExpressionReference {
  readonly root: string;
  readonly name: string | undefined;
  readonly offset: number;
}

/** Lists the roots and first-level names an expression reads, and the functions it calls, for load-time checks. */
export function collectReferences(expr: Expr): {
  references: ExpressionReference[];
  calls: (Expr & { type: 'call' })[];
} {
  const references: ExpressionReference[] = [];
  const calls: (Expr & { type: 'call' })[] = [];

  const visit = (node: Expr): void => {
    switch (node.type) {
      case 'identifier':
        references.push({ root: node.name, name: undefined, offset: node.offset });
        return;
      case 'member':
        if (node.object.type === 'identifier' && node.property.type === 'literal') {
          references.push({
            root: node.object.name,
            name: String(node.property.value),
            offset: node.object.offset,
          });
          return;
        }
        visit(node.object);
        visit(node.property);
        return;
      case 'not':
        visit(node.operand);
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'call':
        calls.push(node);
        for (const arg of node.args) visit(arg);
        return;
      case 'literal':
        return;
    }
  };

  visit(expr);
  return { references, calls };
}
