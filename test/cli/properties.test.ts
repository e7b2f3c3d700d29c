import { describe, expect, it } from 'vitest';
import { type JobResultDocument, toProperties } from '../../src/cli/result.js';
import { javaAvailable, loadWithJava } from './support/java-properties.js';

const base: JobResultDocument = {
  jobId: '5b0e2c1a-3f4d-4c55-9a61-0f1d2e3c4b5a',
  workflow: '/Demo/Hello World',
  state: 'EXECUTION_FINISHED',
  outcome: 'succeeded',
  outputs: {},
  startedAt: '2026-01-02T03:04:05.000Z',
  finishedAt: '2026-01-02T03:04:06.500Z',
  durationMs: 1500,
  failedNodes: [],
};

describe('toProperties', () => {
  it('writes the job fields', () => {
    const text = toProperties(base);
    expect(text).toContain('jobId=5b0e2c1a-3f4d-4c55-9a61-0f1d2e3c4b5a\n');
    expect(text).toContain('workflow=/Demo/Hello World\n');
    expect(text).toContain('state=EXECUTION_FINISHED\n');
    expect(text).toContain('startedAt=2026-01-02T03:04:05.000Z\n');
    expect(text).toContain('durationMs=1500\n');
  });

  it('flattens nested outputs', () => {
    const text = toProperties({
      ...base,
      outputs: {
        greeting: 'Hello, Ada!',
        summary: { rows: 3, ok: true, none: null },
        items: ['a', 'b'],
        empty: {},
      },
    });
    expect(text).toContain('output.greeting=Hello, Ada!\n');
    expect(text).toContain('output.summary.rows=3\n');
    expect(text).toContain('output.summary.ok=true\n');
    expect(text).toContain('output.summary.none=\n');
    expect(text).toContain('output.items.length=2\n');
    expect(text).toContain('output.items.1=b\n');
    expect(text).toContain('output.empty={}\n');
  });

  it('is pure ASCII', () => {
    const text = toProperties({ ...base, outputs: { city: 'Zürich 😀', multi: 'a\nb' } });
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(text).toContain('output.city=Z\\u00fcrich \\ud83d\\ude00\n');
    expect(text).toContain('output.multi=a\\nb\n');
  });

  it('lists failed nodes', () => {
    const text = toProperties({
      ...base,
      state: 'EXECUTION_FAILED',
      outcome: 'failed',
      failedNodes: [
        {
          node: 'Column Filter 0:12',
          messageType: 'ERROR',
          message: 'Execute failed: Column "churn" not found',
        },
      ],
    });
    expect(text).toContain('failedNodes.0.node=Column Filter 0:12\n');
    expect(text).toContain('failedNodes.0.message=Execute failed: Column "churn" not found\n');
  });
});

describe.skipIf(!javaAvailable)('toProperties read by java.util.Properties', () => {
  it('round-trips awkward keys and values', () => {
    const outputs = {
      'key with spaces=and:colons#!': ' leading space and trailing ',
      unicode: 'Zürich 😀 ✓',
      lines: 'first\nsecond\r\nthird\ttab',
      backslash: 'C:\\data\\in.csv',
      nested: { deep: { list: [1, { x: 'y' }] } },
      number: 0.5,
    };
    const loaded = loadWithJava(toProperties({ ...base, outputs }));

    expect(loaded['output.key with spaces=and:colons#!']).toBe(' leading space and trailing ');
    expect(loaded['output.unicode']).toBe('Zürich 😀 ✓');
    expect(loaded['output.lines']).toBe('first\nsecond\r\nthird\ttab');
    expect(loaded['output.backslash']).toBe('C:\\data\\in.csv');
    expect(loaded['output.nested.deep.list.0']).toBe('1');
    expect(loaded['output.nested.deep.list.1.x']).toBe('y');
    expect(loaded['output.number']).toBe('0.5');
    expect(loaded.workflow).toBe('/Demo/Hello World');
    expect(loaded.startedAt).toBe('2026-01-02T03:04:05.000Z');
  });
});
