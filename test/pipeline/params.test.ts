import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/pipeline/duration.js';
import { PipelineParamError } from '../../src/pipeline/errors.js';
import { isIsoDate, type ParamSpec, parseParamArguments, resolveParams } from '../../src/pipeline/params.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    [' 10s ', 10_000],
  ])('parses %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['90', '0s', '-1s', '1w', 's', '1 h', ''])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats in the largest even unit', () => {
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(7_200_000)).toBe('2h');
  });
});

describe('params', () => {
  const specs: ParamSpec[] = [
    { name: 'day', type: 'date' },
    { name: 'rows', type: 'number', default: 10 },
    { name: 'full', type: 'boolean', default: false },
    { name: 'region', type: 'string', default: 'EMEA' },
  ];

  it('converts text to the declared types', () => {
    expect(resolveParams(specs, { day: '2026-12-04', rows: '25', full: 'true' })).toEqual({
      day: '2026-12-04',
      rows: 25,
      full: true,
      region: 'EMEA',
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      resolveParams(specs, { day: '2026-02-30', rows: 'x', full: 'yes', colour: 'red' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PipelineParamError);
    expect((error as Error).message.split('\n')).toEqual([
      'unknown param colour; the pipeline declares: day, rows, full, region',
      'param day: "2026-02-30" is not a valid date; use YYYY-MM-DD, such as 2026-12-04',
      'param rows: "x" is not a number',
      'param full: "yes" is not a boolean; use true or false',
    ]);
  });

  it('checks calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-5')).toBe(false);
  });

  it('splits name=value arguments at the first =', () => {
    expect(parseParamArguments(['a=1', 'filter=x=y', 'empty='])).toEqual({
      a: '1',
      filter: 'x=y',
      empty: '',
    });
    expect(() => parseParamArguments(['novalue'])).toThrow('invalid --param "novalue": use name=value');
    expect(() => parseParamArguments(['=1'])).toThrow(PipelineParamError);
  });
});
