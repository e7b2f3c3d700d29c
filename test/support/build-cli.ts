/**
 * Vitest global setup: builds `dist/` with `tsc -p tsconfig.build.json` once per test run when a
 * file under `src/` is newer than `dist/cli/bin.js`, so that CLI tests spawn the current code.
 * tsc emits JavaScript even when it reports type errors, so those do not fail the setup; a missing
 * `dist/cli/bin.js` afterwards does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const binPath = join(repoDir, 'dist', 'cli', 'bin.js');

function newestMtimeMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = existsSync(binPath) ? statSync(binPath).mtimeMs : 0;
  if (built >= newestMtimeMs(join(repoDir, 'src'))) return;

  try {
    execFileSync(
      process.execPath,
      [join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: repoDir,
        stdio: 'pipe',
      },
    );
  } catch {
    // Type errors elsewhere in the tree; tsc still wrote the JavaScript.
  }
  if (!existsSync(binPath))
    throw new Error(`building the CLI did not produce ${binPath}; run \`npm run build\``);
}
