import { randomBytes } from 'node:crypto';
import type { SimClock } from '../common/clock.js';
import type { ResourceContent } from '../engine/outputs.js';

/** Path prefix of the simulated object storage, served without authentication like a pre-signed URL. */
export const STORAGE_PREFIX = '/_storage/';

interface StoredObject {
  readonly content: ResourceContent;
  readonly expiresAt: number;
}

/**
 * Pre-signed URLs of the simulated object store. With `outputResourceDelivery: 'redirect'`, an
 * output-resource download returns a 307 to one of them. Each URL carries a random token and expires after a lifetime of simulated time.
 */
export class StorageUrls {
  readonly #objects = new Map<string, StoredObject>();
  readonly #clock: SimClock;
  readonly #lifetimeMs: number;

  constructor(clock: SimClock, lifetimeMs: number) {
    this.#clock = clock;
    this.#lifetimeMs = lifetimeMs;
  }

  /** Stores `content` and returns the path (below the API root) that serves it. */
  put(content: ResourceContent, fileName: string): string {
    this.#expire();
    const token = randomBytes(18).toString('base64url');
    this.#objects.set(token, { content, expiresAt: this.#clock.now() + this.#lifetimeMs });
    return `${STORAGE_PREFIX}${token}/${encodeURIComponent(fileName)}`;
  }

  /** Looks up the object behind a token; undefined when it is unknown or expired. */
  get(token: string): ResourceContent | undefined {
    this.#expire();
    return this.#objects.get(token)?.content;
  }

  #expire(): void {
    const now = this.#clock.now();
    for (const [token, object] of this.#objects) if (object.expiresAt <= now) this.#objects.delete(token);
  }
}

/** Builds the 200 response that carries the bytes of an output resource. */
export function resourceResponse(content: ResourceContent, requestId: string): Response {
  return new Response(content.stream(), {
    status: 200,
    headers: {
      'content-type': content.contentType,
      'content-length': String(content.size),
      'x-request-id': requestId,
    },
  });
}
