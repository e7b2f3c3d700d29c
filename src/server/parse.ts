/**
 * Tolerant parsers of Server job bodies: only the fields the client needs are checked, unknown
 * fields are kept in `raw`.
 */
import { type NodeMessage, ProtocolError, type RequestInfo } from '../errors/index.js';
import type { JobSnapshot } from '../job/types.js';

/**
 * Converts a timestamp in any of the wire formats seen on KNIME servers (ISO-8601 string, epoch
 * milliseconds, fractional epoch seconds) into epoch milliseconds.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds stay below 1e11 until the year 5138, epoch milliseconds are above it since 1973.
    return value < 1e11 ? Math.round(value * 1000) : value;
  }
  if (typeof value === 'string' && value !== '') {
    // Hub appends a zone id in brackets, such as `+02:00[Europe/Berlin]`.
    const parsed = Date.parse(value.replace(/\[[^\]]*\]$/, ''));
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function parseNodeMessages(value: unknown): NodeMessage[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object')
    .map((item) => ({
      node: typeof item.node === 'string' ? item.node : '',
      messageType: typeof item.messageType === 'string' ? item.messageType : '',
      message: typeof item.message === 'string' ? item.message : String(item.message ?? ''),
    }));
}

/**
 * Reads a job body.
 * @throws ProtocolError naming the field when `id` or `state` is missing or not a string
 */
export function parseJob(body: unknown, request: RequestInfo, expectedId?: string): JobSnapshot {
  const where = `${request.method} ${request.url}`;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ProtocolError(`${where} returned no job object`, { request });
  }
  const raw = body as Record<string, unknown>;
  const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : expectedId;
  if (id === undefined) {
    throw new ProtocolError(`${where} returned a job without the field "id"`, { request });
  }
  if (typeof raw.state !== 'string' || raw.state === '') {
    const hint = 'status' in raw ? ' (it has "status", which KNIME Server does not use)' : '';
    throw new ProtocolError(`${where} returned job ${id} without the field "state"${hint}`, {
      request,
      jobId: id,
    });
  }

  const snapshot: JobSnapshot = {
    id,
    state: raw.state,
    nodeMessages: parseNodeMessages(raw.nodeMessages),
    raw,
  };
  if (typeof raw.workflow === 'string') snapshot.workflow = raw.workflow;
  if (typeof raw.name === 'string') snapshot.name = raw.name;
  if (typeof raw.owner === 'string') snapshot.owner = raw.owner;
  if (typeof raw.createdVia === 'string') snapshot.createdVia = raw.createdVia;
  if (raw.outputValues !== null && typeof raw.outputValues === 'object' && !Array.isArray(raw.outputValues)) {
    snapshot.outputValues = raw.outputValues as Record<string, unknown>;
  }
  if (raw.outputResources !== null && typeof raw.outputResources === 'object') {
    snapshot.outputResources = Array.isArray(raw.outputResources)
      ? raw.outputResources.filter((name): name is string => typeof name === 'string')
      : Object.keys(raw.outputResources as object);
  }
  const createdAt = parseTimestamp(raw.createdAt);
  const startedAt = parseTimestamp(raw.startedExecutionAt);
  const finishedAt = parseTimestamp(raw.finishedExecutionAt);
  if (createdAt !== undefined) snapshot.createdAt = createdAt;
  if (startedAt !== undefined) snapshot.startedAt = startedAt;
  if (finishedAt !== undefined) snapshot.finishedAt = finishedAt;
  return snapshot;
}

/**
 * Reads a job list (`{"jobs": [...]}`, or a bare array).
 * @throws ProtocolError when the body has no job array
 */
export function parseJobList(body: unknown, request: RequestInfo): JobSnapshot[] {
  const list = Array.isArray(body) ? body : (body as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(list)) {
    throw new ProtocolError(`${request.method} ${request.url} returned no "jobs" array`, { request });
  }
  return list.map((item) => parseJob(item, request));
}

/** Job id from a `Location` header such as `http://host/knime/rest/v4/jobs/<uuid>`. */
export function jobIdFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  const match = /\/jobs\/([^/?#]+)/.exec(location);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
