/**
 * CLI cold start: wall time of `node dist/cli/bin.js --version` and `... run --help` against
 * `node -e 0`, spawned in turns so that machine load hits all three alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResultRow } from '../lib/result.js';
import { formatMs, formatNumber, median } from '../lib/stats.js';
import { repoDir } from '../lib/workspace.js';

export interface ColdStartOptions {
  /** Spawns of each command. */
  runs: number;
}

/** Target of this benchmark: docs/cli.md and docs/library.md promise no start-up time. */
const TARGET_RATIO = 3;

export async function coldStart(options: ColdStartOptions): Promise<ResultRow[]> {
  const bin = join(repoDir, 'dist', 'cli', 'bin.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing; run \`npm run build\` first`);

  const commands = {
    'node -e 0': ['-e', '0'],
    'knimectl --version': [bin, '--version'],
    'knimectl run --help': [bin, 'run', '--help'],
  } as const;
  const times: Record<keyof typeof commands, number[]> = {
    'node -e 0': [],
    'knimectl --version': [],
    'knimectl run --help': [],
  };

  for (let round = 0; round < options.runs; round += 1) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, readonly string[]][]) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { cwd: repoDir, stdio: 'pipe', timeout: 60_000 });
      const elapsed = performance.now() - started;
      if (result.status !== 0) {
        throw new Error(`${name} exited with ${result.status}: ${String(result.stderr).slice(0, 500)}`);
      }
      times[name].push(elapsed);
    }
  }

  const base = median(times['node -e 0']);
  return (Object.keys(commands) as (keyof typeof commands)[]).map((name) => {
    const value = median(times[name]);
    const ratio = value / base;
    const isBase = name === 'node -e 0';
    return {
      scenario: 'cold-start',
      metric: `${name}: median wall time of ${options.runs} spawns`,
      value: formatMs(value),
      ratio: isBase ? 'baseline' : `${formatNumber(ratio, 2)}× node -e 0 (+${formatMs(value - base)})`,
      target: isBase ? undefined : `≤ ${TARGET_RATIO}× node -e 0 (benchmark target; the docs promise none)`,
      verdict: isBase ? 'no target' : ratio <= TARGET_RATIO ? 'meets' : 'misses',
    };
  });
}
