import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses a duration such as `500ms`, `90s`, `15m`, `2h` or `1d` into milliseconds. Returns
 * `undefined` for anything else, including a bare number (the unit is always required).
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;

  const ms = Number(match[1]) * (UNIT_MS[match[2]!] ?? Number.NaN);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.round(ms);
}

/** Formats milliseconds in the largest unit that divides them evenly, such as `15m` or `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Zod schema of a duration in a pipeline file, with a pattern for the JSON Schema. */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, {
    message: 'must be a duration with a unit, such as 500ms, 90s, 15m or 2h',
    abort: true,
  })
  .refine((text) => parseDuration(text) !== undefined, { message: 'must be a duration greater than zero' })
  .describe('Duration with a unit: ms, s, m, h or d (500ms, 90s, 15m, 2h)');
