import { createHash } from 'node:crypto';
import type { HubAppOptions } from './options.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A version 4 style UUID derived from `seed`, so configured accounts and contexts keep their ids. */
export function uuidFromName(seed: string): string {
  const hex = createHash('sha256').update(seed, 'utf8').digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Kind of timestamp: jobs and contexts use the job style, deployments the deployment style. */
export type TimestampKind = 'job' | 'deployment';

/**
 * Formats epoch milliseconds the way the Hub does. `hub` writes Java `ZonedDateTime` text:
 * `2025-07-01T10:00:00.123000+02:00[Europe/Berlin]` for jobs and `2025-06-26T10:02:58.103Z[GMT]`
 * for deployments. The other styles are plain ISO-8601 forms a Hub also emits elsewhere.
 */
export function formatTimestamp(
  epochMs: number,
  kind: TimestampKind,
  options: Pick<HubAppOptions, 'timestampFormat' | 'timeZone'>,
): string {
  const utc = new Date(epochMs).toISOString();
  switch (options.timestampFormat) {
    case 'iso':
      return utc;
    case 'seconds':
      return `${utc.slice(0, 19)}+00:00`;
    case 'micros':
      return `${utc.slice(0, 23)}000Z`;
    default:
      if (kind === 'deployment') return `${utc}[GMT]`;
      return zonedTimestamp(epochMs, options.timeZone);
  }
}

function zonedTimestamp(epochMs: number, timeZone: string): string {
  const offsetName =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(epochMs))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName);
  const sign = match?.[1] === '-' ? -1 : 1;
  const offsetMinutes = match ? sign * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const offset = match ? `${match[1]}${match[2]}:${match[3]}` : 'Z';
  return `${local}000${offset}[${timeZone}]`;
}

/** Milliseconds as an ISO-8601 duration such as `PT5M` or `PT1.5S`, as Hub bodies write durations. */
export function isoDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${ms / 1000}S`;
}
