import { usageError } from './exit.js';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `30s`, `15m`, `2h` or `1h30m` into milliseconds. A bare
 * number is rejected because its unit would be a guess, and a duration that rounds to 0 ms is
 * rejected because every duration flag is a limit or an interval that must be positive.
 *
 * @throws CliExitError (exit code 2) naming the flag, the value and the accepted forms.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;

  for (let match = pattern.exec(trimmed); match !== null; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * unitMs[match[2]!]!;
    consumed = pattern.lastIndex;
  }

  if (trimmed === '' || consumed !== trimmed.length) {
    throw usageError(
      `invalid duration for ${flag}: "${text}"`,
      `use a number with a unit: ms, s, m or h (for example ${flag} 15m or ${flag} 1h30m)`,
    );
  }
  const ms = Math.round(total);
  if (ms <= 0) {
    throw usageError(
      `invalid duration for ${flag}: "${text}" is not greater than zero`,
      `give a positive duration (for example ${flag} 30s); leave the flag out to use its default`,
    );
  }
  return ms;
}

/** Formats milliseconds for humans: `850ms`, `12.3s`, `4m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
