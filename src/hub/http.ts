/**
 * Requests of the Hub backend on top of the shared HTTP client: query strings encoded the way the
 * Hub needs them, errors rewritten with the Hub's problem document and correlation ids, and list
 * endpoints followed through every page.
 */
import { ProtocolError } from '../errors/index.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../transport/http.js';
import type { Clock, Logger } from '../transport/types.js';
import { withHubDetails } from './errors.js';
import type { ErrorDetailsLog } from './fetch.js';
import { paginationSchema, parseWire } from './wire.js';

export type HubQuery = Record<string, string | number | boolean | undefined>;

/** A request below the API root; `query` is encoded by {@link pathWithQuery}. */
export type HubRequest = Omit<HttpRequest, 'query'> & { query?: HubQuery };

/** Items per page the client asks for; the Hub caps page sizes at 100. */
export const PAGE_LENGTH = 100;

/** Pages read from one list before the client stops, as a guard against a cursor that never ends. */
const MAX_PAGES = 1000;

/**
 * Appends `query` to `path` with RFC 3986 percent-encoding: a space becomes `%20`, and `+`, `#`,
 * `&` and `%` inside values are encoded, so a workflow path with those characters arrives intact.
 * `*` stays as is, as in the Hub's own item-id links.
 */
export function pathWithQuery(path: string, query: HubQuery = {}): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? path : `${path}${path.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/**
 * Percent-encodes one path segment, keeping `:` as the Hub's own links write ids such as
 * `rest:<uuid>` and `account:team:<uuid>`.
 */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/gi, ':');
}

export class HubHttp {
  readonly http: HttpClient;
  readonly #errors: ErrorDetailsLog;

  constructor(http: HttpClient, errors: ErrorDetailsLog) {
    this.http = http;
    this.#errors = errors;
  }

  get clock(): Clock {
    return this.http.clock;
  }

  get logger(): Logger {
    return this.http.logger;
  }

  /** REST root, such as `https://api.hub.example.com`. */
  get apiRoot(): string {
    return this.http.restRoot;
  }

  /**
   * Sends `request` through the shared HTTP client.
   * @throws the transport's error classes, with the Hub's problem text and correlation ids
   */
  async request<T = unknown>(request: HubRequest): Promise<HttpResponse<T>> {
    const { query, ...rest } = request;
    try {
      return await this.http.request<T>({ ...rest, path: pathWithQuery(request.path, query) });
    } catch (error) {
      const info = (error as { request?: { method: string; url: string } }).request;
      throw withHubDetails(error, info ? this.#errors.find(info.method, info.url) : undefined);
    }
  }

  /**
   * Reads every page of a list endpoint and returns the items under `key`. Asks for cursor paging
   * (`pagelen` without `page`) and follows `pagination.nextPageCursor`; a Hub that pages by
   * number instead is followed through its `knime:next-page` link.
   * @throws ProtocolError when a page has no `key` array or the next-page link leaves the API root
   */
  async list(
    path: string,
    key: string,
    options: { query?: HubQuery; signal?: AbortSignal },
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let next: string | undefined = pathWithQuery(path, { ...options.query, pagelen: PAGE_LENGTH });
    for (let page = 1; next !== undefined; page += 1) {
      if (page > MAX_PAGES) {
        throw new ProtocolError(
          `GET ${this.apiRoot}${path} returned more than ${MAX_PAGES} pages of ${PAGE_LENGTH}; narrow the request`,
        );
      }
      const response: HttpResponse<unknown> = await this.request<unknown>({
        method: 'GET',
        path: next,
        idempotent: true,
        signal: options.signal,
      });
      const body = response.data as Record<string, unknown> | null;
      const list = body?.[key];
      if (!Array.isArray(list)) {
        throw new ProtocolError(`GET ${response.url} returned no "${key}" array`, {
          request: { method: 'GET', url: response.url },
        });
      }
      items.push(...list);
      next = list.length === 0 ? undefined : this.#nextPage(path, body, response.url);
    }
    return items;
  }

  #nextPage(path: string, body: Record<string, unknown> | null, url: string): string | undefined {
    const pagination = parseWire(paginationSchema, body?.pagination);
    const cursor = pagination.ok ? pagination.value.nextPageCursor : undefined;
    if (cursor) return pathWithQuery(path, { cursor, pagelen: PAGE_LENGTH });

    const controls = body?.['@controls'] as Record<string, { href?: unknown }> | undefined;
    const href = controls?.['knime:next-page']?.href;
    if (typeof href !== 'string' || href.includes('{')) return undefined;
    const target = new URL(href, url);
    const root = new URL(this.apiRoot);
    const rootPath = root.pathname.replace(/\/+$/, '');
    if (target.origin !== root.origin || !target.pathname.startsWith(rootPath)) {
      throw new ProtocolError(
        `GET ${url} links its next page to ${target.origin}${target.pathname}, outside the API root ${this.apiRoot}`,
        { request: { method: 'GET', url } },
      );
    }
    return `${target.pathname.slice(rootPath.length)}${target.search}`;
  }
}
