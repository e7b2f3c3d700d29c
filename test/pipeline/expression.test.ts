import { describe, expect, it } from 'vitest';
import { ExpressionError, MissingReferenceError } from '../../src/pipeline/errors.js';
import {
  collectReferences,
  type EvaluationContext,
  evaluate,
  resolveTemplate,
} from '../../src/pipeline/expression/evaluate.js';
import { parseExpression, parseTemplate } from '../../src/pipeline/expression/parser.js';

const context: EvaluationContext = {
  params: { date: '2026-12-04', limit: 10, dry: false },
  env: { HOME_DIR: '/home/etl' },
  steps: {
    extract: {
      outcome: 'succeeded',
      conclusion: 'succeeded',
      outputs: { rows: '42', table: 'sales', list: ['a', 'b'] },
    },
    check: { outcome: 'failed', conclusion: 'succeeded', outputs: {} },
  },
  status: { success: true, failure: false, cancelled: false },
};

function run(source: string) {
  return evaluate(parseExpression(source), context);
}

describe('expression evaluator', () => {
  it.each([
    ["steps.extract.outcome == 'succeeded'", true],
    ["steps.extract.outcome == 'succeeded' && steps.extract.outputs.rows > 0", true],
    ['steps.extract.outputs.rows > 100', false],
    ['steps.extract.outputs.rows == 42', true],
    ["steps.extract.outputs.rows == '42'", true],
    ['params.limit >= 10 && params.limit < 11', true],
    ['!params.dry', true],
    ['params.dry || params.limit', 10],
    ["params.date > '2026-12-01'", true],
    ["steps['extract'].outputs['table']", 'sales'],
    ["contains(steps.extract.outputs.list, 'b')", true],
    ["contains('abcdef', 'cd')", true],
    ["startsWith(env.HOME_DIR, '/home')", true],
    ["endsWith(params.date, '-04')", true],
    ['success() && !failure()', true],
    ['always()', true],
    ['cancelled()', false],
    ["steps.check.outcome != 'succeeded'", true],
    ['(1 < 2) == true', true],
    ['null == null', true],
    ["'it''s' == 'it''s'", true],
    ['fromJSON(\'{"a":[1,2]}\').a[1]', 2],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('reports a missing output with step, path and known outputs', () => {
    let error: unknown;
    try {
      run('steps.extract.outputs.count > 0');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingReferenceError);
    const missing = error as MissingReferenceError;
    expect(missing.path).toBe('steps.extract.outputs.count');
    expect(missing.message).toContain('step extract has no output "count" (its outputs: rows, table, list)');
    expect(missing.offset).toBe('steps.extract.outputs.'.length);
  });

  it('reports a missing environment variable', () => {
    expect(() => run('env.NOPE')).toThrow('environment variable NOPE is not set');
  });

  it('rejects comparing incompatible values', () => {
    expect(() => run('steps.extract.outputs.list > 1')).toThrow(ExpressionError);
  });

  it('never evaluates JavaScript', () => {
    expect(() => parseExpression('process.exit(1)')).toThrow(ExpressionError);
    expect(() => run('process.pid')).toThrow('unknown name process');
    expect(() => run('constructor')).toThrow(ExpressionError);
    expect(() => run("params['constructor']")).toThrow(MissingReferenceError);
    expect(() => parseExpression('a = 1')).toThrow(ExpressionError);
    expect(() => parseExpression('`x`')).toThrow(ExpressionError);
  });
});

describe('expression parser', () => {
  it.each([
    ['', 'expression is empty', 0],
    ["steps.a == 'x", 'unterminated string', 11],
    ['steps.a ==', 'expression ends too early', 10],
    ['steps.a == "x"', 'strings use single quotes', 11],
    ['steps. == 1', 'expected a property name', 7],
    ['(1 == 1', 'expected ")"', 7],
    ['1 == 1 )', 'unexpected ")"', 7],
    ['a # b', 'unexpected character "#"', 2],
  ])('rejects %j', (source, message, offset) => {
    let error: unknown;
    try {
      parseExpression(source);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toContain(message);
    expect((error as ExpressionError).offset).toBe(offset);
  });

  it('collects references and calls', () => {
    const { references, calls } = collectReferences(
      parseExpression("steps.extract.outputs.rows > params.min && success() && env['X']"),
    );
    expect(references.map((ref) => `${ref.root}.${ref.name}`)).toEqual([
      'steps.extract',
      'params.min',
      'env.X',
    ]);
    expect(calls.map((call) => call.name)).toEqual(['success']);
  });
});

describe('templates', () => {
  it('keeps the type of a lone expression', () => {
    expect(resolveTemplate(`\${{ params.limit }}`, context)).toBe(10);
    expect(resolveTemplate(`\${{ steps.extract.outputs.list }}`, context)).toEqual(['a', 'b']);
  });

  it('joins text and expressions', () => {
    expect(resolveTemplate(`day=\${{ params.date }} rows=\${{ steps.extract.outputs.rows }}`, context)).toBe(
      'day=2026-12-04 rows=42',
    );
    expect(resolveTemplate(`list=\${{ steps.extract.outputs.list }}`, context)).toBe('list=["a","b"]');
  });

  it('finds the closing marks outside strings', () => {
    expect(resolveTemplate(`\${{ contains('}}', '}') }}`, context)).toBe(true);
  });

  it('gives offsets within the whole string', () => {
    expect(() => parseTemplate(`ab \${{ 1 == }}`)).toThrow(ExpressionError);
    try {
      resolveTemplate(`rows: \${{ steps.extract.outputs.nope }}`, context);
    } catch (error) {
      expect(error).toBeInstanceOf(MissingReferenceError);
      expect((error as MissingReferenceError).offset).toBe(`rows: \${{ steps.extract.outputs.`.length);
    }
    expect(() => parseTemplate(`x \${{ params.a`)).toThrow('unclosed');
  });
});
