import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  AlteryxInvalidInputError,
  CancelledError,
  NetworkError,
  ProtocolError,
  type RequestInfo,
} from './errors.js';
import type { AlteryxOutput } from './wire.js';

/** An output download whose body has not been read yet. */
export interface DownloadedOutput {
  format: string;
  fileName: string;
  /** File content exactly as sent; nothing is decoded or stripped. */
  body: ReadableStream<Uint8Array>;
  request: RequestInfo;
}

/**
 * Picks the download format: `requested` when the output offers it (any case), else `Csv` when
 * offered, else the first available format.
 * @throws AlteryxInvalidInputError when `requested` is not offered; the message lists the formats.
 */
export function chooseFormat(output: AlteryxOutput, requested?: string): string {
  if (requested !== undefined) {
    const match = output.formats.find((format) => format.toLowerCase() === requested.toLowerCase());
    if (match) return match;
    if (output.formats.length === 0) return requested;
    throw new AlteryxInvalidInputError(
      `output ${output.fileName} is not available as ${requested}; available formats: ${output.formats.join(', ')}`,
      { names: ['format'] },
    );
  }
  const csv = output.formats.find((format) => format.toLowerCase() === 'csv');
  const chosen = csv ?? output.formats[0];
  if (!chosen) {
    throw new ProtocolError(`output ${output.fileName} lists no available formats; pass a format explicitly`);
  }
  return chosen;
}

/** Streams a download to `<path>.part`, then renames it to `path`. Returns the byte count. */
export async function saveOutputStream(
  download: DownloadedOutput,
  path: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  const partPath = `${path}.part`;
  let bytes = 0;
  const source = Readable.fromWeb(download.body as unknown as NodeReadableStream<Uint8Array>);
  source.on('data', (chunk: Uint8Array) => {
    bytes += chunk.byteLength;
  });

  try {
    await pipeline(source, createWriteStream(partPath), signal ? { signal } : {});
    await rename(partPath, path);
    return bytes;
  } catch (cause) {
    await rm(partPath, { force: true });
    const { method, url } = download.request;
    if (signal?.aborted) {
      throw new CancelledError(`download of ${download.fileName} was aborted by the caller`, {
        request: download.request,
        cause,
      });
    }
    throw new NetworkError(
      `${method} ${url} failed after ${bytes} bytes of ${download.fileName}: ${(cause as Error).message}; nothing was written to ${path}`,
      { request: download.request, cause },
    );
  }
}
