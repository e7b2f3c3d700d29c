/**
 * Request counting at the simulator: every request is classified by the REST API v4 operation it
 * calls, so a benchmark can report how many requests each job cost and of which kind.
 */

/** Operation of a KNIME Server REST API v4 request, by method and path. */
export function classifyRequest(method: string, pathname: string): string {
  const path = decodeURIComponent(pathname);
  if (path.endsWith(':jobs')) return method === 'POST' ? 'create job' : 'list jobs';
  if (path.endsWith(':openapi')) return 'describe workflow';
  if (/\/rest\/v4\/repository\/?$/.test(path)) return 'check URL';
  if (/\/jobs\/[^/]+\/output-resources/.test(path)) return 'download output';
  if (/\/jobs\/[^/]+\/execution$/.test(path)) return 'cancel';
  if (/\/jobs\/[^/]+$/.test(path)) {
    if (method === 'GET') return 'read job';
    if (method === 'POST') return 'execute job';
    if (method === 'DELETE') return 'discard job';
  }
  return `${method} other`;
}

/** Counts requests per operation. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  total = 0;

  /** Counts one request and returns its operation. */
  record(method: string, url: string): string {
    const key = classifyRequest(method, new URL(url).pathname);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
    return key;
  }

  snapshot(): { total: number; byOperation: Record<string, number> } {
    return { total: this.total, byOperation: Object.fromEntries(this.counts) };
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
  }

  /** Wraps a `fetch` so that every call is counted before it is sent. */
  wrap(inner: typeof fetch): typeof fetch {
    return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      this.record(method.toUpperCase(), url);
      return inner(input, init);
    }) as typeof fetch;
  }
}
