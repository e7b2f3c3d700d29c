/**
 * Vitest global setup: builds `dist/` with `tsc -p tsconfig.build.json` when a file under `src/` is
 * newer than the sources of the last build, so that CLI tests spawn the current code. The stamp
 * file `dist/.src-mtime` records the newest source time seen before that build started, so a file
 * saved while tsc runs triggers the next build.
 *
 * tsc writes into a fresh folder that then replaces `dist/` by two renames. Writing in place would
 * let a CLI process started by a concurrent test run import a half-written module. A lock folder
 * keeps two setups from building at once. tsc emits JavaScript even when it reports type errors
 * elsewhere in the tree, so those do not fail the setup; a missing `cli/bin.js` afterwards does.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const distDir = join(repoDir, 'dist');
const binPath = join(distDir, 'cli', 'bin.js');
const stampPath = join(distDir, '.src-mtime');
const lockDir = join(repoDir, '.knimectl-build.lock');
const lockWaitMs = 120_000;

function newestMtimeMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(binPath) || !existsSync(stampPath)) return false;
  return Number(readFileSync(stampPath, 'utf8')) >= newestMtimeMs(join(repoDir, 'src'));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquireLock(): boolean {
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return true;
    } catch {
      // A lock older than the wait limit belongs to a setup that died; take it over.
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > lockWaitMs) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) return false;
      sleepSync(250);
    }
  }
}

function build(): void {
  const sourcesMtimeMs = newestMtimeMs(join(repoDir, 'src'));
  const fresh = join(repoDir, `dist.build-${process.pid}`);
  const old = join(repoDir, `dist.old-${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  try {
    execFileSync(
      process.execPath,
      [
        join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        fresh,
      ],
      { cwd: repoDir, stdio: 'pipe' },
    );
  } catch {
    // Type errors elsewhere in the tree; tsc still wrote the JavaScript.
  }
  if (!existsSync(join(fresh, 'cli', 'bin.js'))) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error('building the CLI did not produce cli/bin.js; run `npm run build` to see why');
  }

  writeFileSync(join(fresh, '.src-mtime'), String(sourcesMtimeMs));
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(fresh, distDir);
  rmSync(old, { recursive: true, force: true });
}

export default function setup(): void {
  if (isFresh()) return;

  const locked = acquireLock();
  try {
    // Another setup may have built while this one waited for the lock.
    if (!isFresh()) build();
  } finally {
    if (locked) rmSync(lockDir, { recursive: true, force: true });
  }
}
