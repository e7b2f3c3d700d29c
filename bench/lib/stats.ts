/** Small statistics helpers of the benchmarks. */

/** Median of `values`; NaN for an empty list. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Quantile `q` (0..1) of `values` with linear interpolation; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? Number.NaN;
  return lowValue + (highValue - lowValue) * (position - low);
}

/** Formats a number with at most `digits` decimals and thousands separators. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Formats a duration in milliseconds as ms below 10 s and as s above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return Math.abs(ms) < 10_000
    ? `${formatNumber(ms, ms < 10 ? 2 : 0)} ms`
    : `${formatNumber(ms / 1000, 2)} s`;
}

/** Formats bytes as MiB. */
export function formatMiB(bytes: number): string {
  return `${formatNumber(bytes / 1024 / 1024, 1)} MiB`;
}
