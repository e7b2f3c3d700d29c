import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Folder of the public KNIME data files (real workflow folders, Hub OpenAPI specs, recorded Hub
 * responses). It sits beside the clone in CI, at `../shared/fixtures`, and is read in place.
 * `KNIMECTL_FIXTURES` overrides the location.
 */
export const fixturesDir: string | undefined = (() => {
  const candidate = process.env.KNIMECTL_FIXTURES ?? resolve(repoRoot, '..', 'shared', 'fixtures');
  return existsSync(candidate) ? candidate : undefined;
})();

/** Absolute path of the repository checkout. */
export const repoDir = repoRoot;

/** Path inside the fixtures folder; only call it inside {@link describeWithFixtures}. */
export function fixturePath(...segments: string[]): string {
  if (!fixturesDir) throw new Error('fixtures folder not found; run the test through describeWithFixtures');
  return resolve(fixturesDir, ...segments);
}

/**
 * `describe` for tests that need the public fixtures. Without the folder the suite is skipped and
 * its name says why, in one line.
 */
export function describeWithFixtures(name: string, body: () => void): void {
  if (fixturesDir) {
    describe(name, body);
  } else {
    describe.skip(
      `${name} (skipped: fixtures folder ../shared/fixtures not found; set KNIMECTL_FIXTURES)`,
      body,
    );
  }
}
