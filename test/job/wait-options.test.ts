import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { createClient } from '../../src/job/client.js';
import type { WaitOptions } from '../../src/job/options.js';
import { simulatedServer } from '../library/simulator.js';

const BAD_OPTIONS: Array<{ name: string; options: WaitOptions; names: RegExp }> = [
  { name: 'NaN deadline', options: { deadline: Number.NaN }, names: /deadline is invalid: NaN/ },
  { name: 'NaN timeout', options: { timeoutMs: Number.NaN }, names: /timeoutMs is invalid: NaN/ },
  {
    name: 'NaN load timeout',
    options: { loadTimeoutMs: Number.NaN },
    names: /loadTimeoutMs is invalid: NaN/,
  },
  {
    name: 'fractional poll failures',
    options: { maxPollFailures: 1.5 },
    names: /maxPollFailures is invalid: 1.5/,
  },
  {
    name: 'poll factor below one',
    options: { poll: { factor: 0.5 } },
    names: /poll\.factor is invalid: 0.5/,
  },
  {
    name: 'infinite poll factor',
    options: { poll: { factor: Infinity } },
    names: /poll\.factor is invalid: Infinity/,
  },
  {
    name: 'zero max interval',
    options: { poll: { maxIntervalMs: 0 } },
    names: /poll\.maxIntervalMs is invalid: 0/,
  },
  {
    name: 'negative initial interval',
    options: { poll: { initialIntervalsMs: [100, -1] } },
    names: /poll\.initialIntervalsMs\[1\] is invalid: -1/,
  },
];

describe('wait option checks', () => {
  it.each(BAD_OPTIONS)('run rejects $name before creating a job', async ({ options, names }) => {
    const { client, simulator } = await simulatedServer();
    const error = await client.run('/Examples/Greeting', { name: 'Ada' }, options).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(names);
    expect(simulator.stats.jobsCreated).toBe(0);
  });

  it.each(BAD_OPTIONS)('wait rejects $name', async ({ options, names }) => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Greeting', { name: 'Ada' });

    await expect(handle.wait(options)).rejects.toThrow(names);
    await expect(handle.wait(options)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('createClient rejects a shrinking poll schedule', async () => {
    const { simulator } = await simulatedServer();
    expect(() =>
      createClient({ url: simulator.baseUrl, fetch: simulator.fetch, poll: { factor: 0.9 } }),
    ).toThrow(/poll\.factor is invalid: 0.9/);
  });

  it('accepts a negative timeout as an expired limit', async () => {
    const { client } = await simulatedServer();
    const error = await client
      .run('/Examples/Greeting', { name: 'Ada' }, { timeoutMs: -5 })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('timeout');
  });
});
