/**
 * Streaming downloads of output resources: written to a temporary name beside the target, checked
 * against `Content-Length`, renamed at the end, and removed on any failure.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError, NetworkError, TimeoutError } from '../errors/index.js';
import type { Clock } from '../transport/types.js';
import type { ResourceStream } from './types.js';

/** Maximum pause between two chunks of a download before it counts as stalled, in milliseconds. */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

/** Abort reason of a stalled download. */
class IdleTimeout extends Error {}

/** Maximum length of a file name, in characters. Longer names are cut. */
const MAX_FILE_NAME_LENGTH = 200;

/**
 * Turns a resource or server-supplied name into a file name that stays inside its folder: path
 * separators, control characters and characters invalid on Windows become `_`, and names made only
 * of dots (or nothing) become `fallback`.
 */
export function sanitizeFileName(name: string, fallback = 'output'): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
  let safe = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').trim();
  safe = safe.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (safe.length > MAX_FILE_NAME_LENGTH) safe = safe.slice(0, MAX_FILE_NAME_LENGTH);
  if (/^[_\s]*$/.test(safe)) return fallback;
  return safe;
}

/** Whether `target` names an existing folder or ends with a path separator. */
export async function isFolderTarget(target: string): Promise<boolean> {
  if (/[/\\]$/.test(target)) return true;
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes `resource` to `file`. The bytes go to `<file>.<random>.part` first and are renamed only
 * after the body ended and its size matched `Content-Length`.
 * @returns the number of bytes written
 * @throws NetworkError when the connection broke or the size differs; no file is left behind
 * @throws TimeoutError when no data arrived for `idleTimeoutMs` (default 60000) of `clock`
 * @throws CancelledError when `signal` aborts
 */
export async function writeResource(
  resource: ResourceStream,
  file: string,
  options: { name: string; jobId: string; signal?: AbortSignal; clock?: Clock; idleTimeoutMs?: number },
): Promise<number> {
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
  let bytes = 0;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS;
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const armIdleTimer = () =>
    options.clock?.setTimer(idleMs, () => controller.abort(new IdleTimeout())) ?? (() => {});
  let clearIdleTimer = armIdleTimer();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      clearIdleTimer();
      clearIdleTimer = armIdleTimer();
      callback(null, chunk);
    },
  });

  try {
    const source = Readable.fromWeb(resource.body as import('node:stream/web').ReadableStream<Uint8Array>);
    await pipeline(source, counter, createWriteStream(temporary, { flags: 'wx' }), {
      signal: controller.signal,
    });
    if (resource.contentLength !== undefined && bytes !== resource.contentLength) {
      throw new NetworkError(
        `output \`${options.name}\` of job ${options.jobId} is truncated: GET ${resource.url} sent ${bytes} of ` +
          `${resource.contentLength} bytes (Content-Length)`,
        { jobId: options.jobId, request: { method: 'GET', url: resource.url } },
      );
    }
    await rename(temporary, target);
    return bytes;
  } catch (error) {
    await unlink(temporary).catch(() => {});
    if (error instanceof NetworkError) throw error;
    const request = { method: 'GET', url: resource.url };
    if (controller.signal.reason instanceof IdleTimeout) {
      throw new TimeoutError(
        `download of output \`${options.name}\` of job ${options.jobId} stalled: no data for ${idleMs} ms ` +
          `after ${bytes} bytes (GET ${resource.url})`,
        { jobId: options.jobId, clock: 'request', limitMs: idleMs, request },
      );
    }
    if (options.signal?.aborted) {
      throw new CancelledError(`download of output \`${options.name}\` of job ${options.jobId} was aborted`, {
        jobId: options.jobId,
        cause: error,
      });
    }
    throw new NetworkError(
      `output \`${options.name}\` of job ${options.jobId} is truncated: GET ${resource.url} broke off after ` +
        `${bytes} bytes (${(error as Error).message})`,
      { jobId: options.jobId, request, cause: error },
    );
  } finally {
    clearIdleTimer();
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Path inside `dir` for a sanitised `name`, never outside `dir`. */
export function fileInFolder(dir: string, name: string): string {
  const folder = resolve(dir);
  const path = join(folder, sanitizeFileName(name));
  if (dirname(path) !== folder) throw new Error(`file name "${name}" would leave the folder ${folder}`);
  return path;
}
