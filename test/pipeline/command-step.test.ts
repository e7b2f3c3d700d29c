import { describe, expect, it } from 'vitest';
import { StepConfigError } from '../../src/pipeline/errors.js';
import { commandStep, parseOutputFile } from '../../src/pipeline/steps/command.js';

describe('command output file', () => {
  it('parses key=value lines and heredoc blocks', () => {
    expect(
      parseOutputFile('rows=42\nempty=\nurl=http://x.test/a?b=c\n\nnote<<EOF\nline 1\nline 2\nEOF\nlast=1\n'),
    ).toEqual({
      rows: '42',
      empty: '',
      url: 'http://x.test/a?b=c',
      note: 'line 1\nline 2',
      last: '1',
    });
  });

  it('rejects a line without a key', () => {
    expect(() => parseOutputFile('rows=1\n=oops\n')).toThrow(StepConfigError);
    expect(() => parseOutputFile('just text')).toThrow('invalid line 1 in the output file');
  });
});

describe('command config', () => {
  it('requires an argument array, never a shell string', () => {
    expect(commandStep.configSchema.safeParse({ command: 'echo hi' }).success).toBe(false);
    expect(commandStep.configSchema.safeParse({ command: [] }).success).toBe(false);
    expect(commandStep.configSchema.safeParse({ command: ['echo', 'hi'] }).success).toBe(true);
  });

  it('turns env values into strings', () => {
    const parsed = commandStep.configSchema.parse({ command: ['env'], env: { N: 3, B: true, S: 'x' } });
    expect(parsed.env).toEqual({ N: '3', B: 'true', S: 'x' });
  });
});
