import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration.js';
import { CliExitError } from '../../src/cli/exit.js';
import { runCli } from './helpers.js';

/** Every duration flag of the command table; each goes through `parseDuration`. */
const FLAGS = ['--request-timeout', '--timeout', '--load-timeout', '--queue-timeout', '--poll-interval'];

describe('duration flags', () => {
  it.each(FLAGS.flatMap((flag) => ['0s', '0ms', '0h0m', '0.4ms'].map((text) => ({ flag, text }))))(
    '$flag rejects $text',
    ({ flag, text }) => {
      let error: unknown;
      try {
        parseDuration(text, flag);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CliExitError);
      expect((error as CliExitError).code).toBe(2);
      expect((error as Error).message).toContain(
        `invalid duration for ${flag}: "${text}" is not greater than zero`,
      );
    },
  );

  it.each(['-5s', '-1ms'])('rejects negative %s', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(`invalid duration for --timeout: "${text}"`);
  });

  it.each([
    ['1ms', 1],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it('exits 2 on --request-timeout 0s', async () => {
    const result = await runCli([
      'status',
      'abc',
      '--server',
      'http://127.0.0.1:9',
      '--request-timeout',
      '0s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid duration for --request-timeout: "0s" is not greater than zero');
  });
});
