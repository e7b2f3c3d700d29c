import { readFileSync } from 'node:fs';

/** Version from the package's `package.json` (two folders above `dist/cli/` and `src/cli/`). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
