import type { TlsOptions } from './types.js';

/**
 * Builds the `fetch` to use with TLS options: undici's own `fetch` with an `Agent` whose connect
 * options carry the CA, client certificate and verification flag. A caller-supplied `fetch` gets
 * the agent as `dispatcher` in every request instead.
 */
export async function createTlsFetch(
  tls: TlsOptions,
  baseFetch: typeof fetch | undefined,
): Promise<typeof fetch> {
  const undici = await import('undici');
  const agent = new undici.Agent({
    connect: {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
    },
  });
  const inner = baseFetch ?? (undici.fetch as unknown as typeof fetch);
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    inner(input, { ...init, dispatcher: agent } as unknown as RequestInit)) as typeof fetch;
}
