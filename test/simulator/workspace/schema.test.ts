import { describe, expect, it } from 'vitest';
import { firstRowAsObject } from '../../../src/simulator/workspace/container-examples.js';
import {
  fromPlainJson,
  JsonTextError,
  parseJsonTree,
  toPlainJson,
} from '../../../src/simulator/workspace/json-tree.js';
import { schemaFromExample } from '../../../src/simulator/workspace/schema.js';

function schemaOf(text: string) {
  return schemaFromExample(parseJsonTree(text, 'test'));
}

describe('parseJsonTree', () => {
  it('returns the value JSON.parse returns', () => {
    const text = '{"a":[1,2.5,-3e2,true,null,"x\\n\\u00e4"],"b":{}}';

    expect(toPlainJson(parseJsonTree(text, 'test'))).toEqual(JSON.parse(text));
  });

  it('marks numbers without fraction or exponent as integral', () => {
    const tree = parseJsonTree('[42, 42.0, 1e3, -7]', 'test');

    expect(
      tree.type === 'array' && tree.items.map((item) => item.type === 'number' && item.integral),
    ).toEqual([true, false, false, true]);
  });

  it('keeps the last value of a repeated key', () => {
    expect(toPlainJson(parseJsonTree('{"a":1,"a":2}', 'test'))).toEqual({ a: 2 });
  });

  it('keeps a __proto__ key as data', () => {
    const plain = toPlainJson(parseJsonTree('{"__proto__":{"x":1}}', 'test')) as Record<string, unknown>;

    expect(Object.keys(plain)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
  });

  it.each([
    ['{', 'unterminated object'],
    ['{"a" 1}', 'missing colon'],
    ['[1,]', 'trailing comma'],
    ['01', 'leading zero'],
    ['"a\tb"', 'raw tab in string'],
    ['{} x', 'text after the value'],
    ['', 'empty text'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseJsonTree(text, 'node 3, setting "json"')).toThrow(JsonTextError);
  });

  it('names the source and offset in errors', () => {
    expect(() => parseJsonTree('[1,', 'node 3, setting "json"')).toThrow(
      /node 3, setting "json": invalid JSON at offset 3/,
    );
  });
});

describe('schemaFromExample', () => {
  it('maps integers and fractional numbers with defaults', () => {
    expect(schemaOf('42')).toEqual({ type: 'integer', default: 42 });
    expect(schemaOf('42.0')).toEqual({ type: 'number', default: 42 });
    expect(schemaOf('1.5')).toEqual({ type: 'number', default: 1.5 });
  });

  it('writes boolean defaults as strings', () => {
    expect(schemaOf('false')).toEqual({ type: 'boolean', default: 'false' });
    expect(schemaOf('true')).toEqual({ type: 'boolean', default: 'true' });
  });

  it('maps strings with a default', () => {
    expect(schemaOf('"sunny day"')).toEqual({ type: 'string', default: 'sunny day' });
  });

  it('takes the schema of the first array item', () => {
    expect(schemaOf('[1, "two", 3.5]')).toEqual({ type: 'array', items: { type: 'integer', default: 1 } });
  });

  it('writes no items for an empty array', () => {
    expect(schemaOf('[]')).toEqual({ type: 'array' });
  });

  it('describes objects property by property', () => {
    expect(schemaOf('{"a":{"b":"c"},"n":null}')).toEqual({
      type: 'object',
      properties: { a: { type: 'object', properties: { b: { type: 'string', default: 'c' } } }, n: {} },
    });
  });

  it('returns an empty schema for null', () => {
    expect(schemaOf('null')).toEqual({});
  });

  it('treats integral plain numbers as integers', () => {
    expect(schemaFromExample(fromPlainJson({ rows: 3, share: 0.25 }))).toEqual({
      type: 'object',
      properties: { rows: { type: 'integer', default: 3 }, share: { type: 'number', default: 0.25 } },
    });
  });
});

/** Returns the example row of a template as plain JSON; fails the test when there is none. */
function plainRow(text: string): unknown {
  const row = firstRowAsObject(parseJsonTree(text, 'test'));
  if (!row) throw new Error(`no example row for ${text}`);
  return toPlainJson(row);
}

describe('firstRowAsObject', () => {
  const TYPED =
    '{"table-spec":[{"name":"string"},{"n":"int"},{"x":"double"},{"ok":"boolean"},{"d":"localdate"}],' +
    '"table-data":[["a",1,2,true,"2026-01-02"],["b",2,3,false,"2026-01-03"]]}';

  it('maps the first row by column type', () => {
    expect(plainRow(TYPED)).toEqual({ name: 'a', n: 1, x: 2, ok: true, d: '2026-01-02' });
  });

  it('types int cells as integer and double cells as number', () => {
    const row = firstRowAsObject(parseJsonTree(TYPED, 'test'));

    expect(row).toBeDefined();
    expect(schemaFromExample(row ?? { type: 'null' })).toMatchObject({
      properties: { n: { type: 'integer' }, x: { type: 'number' } },
    });
  });

  it('returns an empty row for a template without data', () => {
    expect(plainRow('{"table-spec":[],"table-data":[]}')).toEqual({});
  });

  it('turns missing cells into null', () => {
    expect(plainRow('{"table-spec":[{"a":"int"},{"b":"string"}],"table-data":[[null]]}')).toEqual({
      a: null,
      b: null,
    });
  });

  it('rejects a template without table-spec', () => {
    expect(firstRowAsObject(parseJsonTree('{"table-data":[[1]]}', 'test'))).toBeUndefined();
  });
});
