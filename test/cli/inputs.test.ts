import { describe, expect, it } from 'vitest';
import { CliExitError } from '../../src/cli/exit.js';
import { collectInputs } from '../../src/cli/inputs.js';

async function rejection(options: Parameters<typeof collectInputs>[0]): Promise<CliExitError> {
  const error = await collectInputs(options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliExitError);
  return error as CliExitError;
}

describe('input flag hints', () => {
  it('shows a path example for --file without equals sign', async () => {
    const error = await rejection({ file: ['data.csv'] });
    expect(error.message).toContain('invalid --file "data.csv": expected NAME=@path');
    expect(error.hint).toBe('for example --file file-upload=@data.csv');
  });

  it('shows a JSON example for --input without equals sign', async () => {
    const error = await rejection({ input: ['name'] });
    expect(error.message).toContain('invalid --input "name": expected NAME=JSON or NAME=@file.json');
    expect(error.hint).toBe(`for example --input name='"Ada"'`);
  });
});
