import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { RESET_MARKER_HEADER, TRUNCATE_MARKER_HEADER } from './faults.js';

/** Anything with a Fetch API handler, such as a Hono app. */
export interface FetchHandler {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * Builds a `fetch`-compatible function that calls `app` in-process, without sockets. Injected
 * connection resets reject with a `TypeError` whose cause has code `ECONNRESET`, as Node's fetch
 * does; injected truncation makes the body stream fail after the cut.
 */
export function inProcessFetch(app: FetchHandler): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const response = await app.fetch(request);

    if (response.headers.has(RESET_MARKER_HEADER)) {
      throw connectionResetError();
    }

    const cut = response.headers.get(TRUNCATE_MARKER_HEADER);
    if (cut !== null && response.body) {
      return new Response(truncatedStream(response.body, Number(cut)), {
        status: response.status,
        headers: withoutMarkers(response.headers),
      });
    }

    return response;
  };
}

function connectionResetError(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
  return new TypeError('fetch failed', { cause });
}

function withoutMarkers(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete(RESET_MARKER_HEADER);
  copy.delete(TRUNCATE_MARKER_HEADER);
  return copy;
}

function truncatedStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done || sent >= limit) {
        await reader.cancel();
        controller.error(connectionResetError());
        return;
      }
      const room = limit - sent;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** A simulator listening on a loopback socket. */
export interface LoopbackServer {
  /** Base URL without a trailing slash, such as `http://127.0.0.1:8080`. */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `app` on 127.0.0.1 (never on other interfaces). Port 0 picks a free port. Injected
 * resets destroy the socket; injected truncation writes part of the body, then destroys it.
 */
export async function serveOnLoopback(app: FetchHandler, port = 0): Promise<LoopbackServer> {
  const listener = getRequestListener(async (request, env) => {
    const response = await app.fetch(request, env);
    const { incoming } = env as { incoming: import('node:http').IncomingMessage };

    if (response.headers.has(RESET_MARKER_HEADER)) {
      incoming.socket.destroy();
      return new Response(null, { status: 204 });
    }

    const cut = response.headers.get(TRUNCATE_MARKER_HEADER);
    if (cut !== null && response.body) {
      const limit = Number(cut);
      const body = new Uint8Array(await response.arrayBuffer());
      const socket = incoming.socket;
      const head = [`HTTP/1.1 ${response.status} OK`];
      for (const [name, value] of withoutMarkers(response.headers)) head.push(`${name}: ${value}`);
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      socket.write(body.subarray(0, limit), () => socket.destroy());
      return new Response(null, { status: 204 });
    }

    return response;
  });

  const server: Server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
