/**
 * Connecting to a Hub: the API root from a URL, the product kind of a URL when the caller does
 * not set it, and the assembly of the Hub backend on top of the shared HTTP client.
 */
import { InvalidInputError } from '../errors/index.js';
import type { HttpClient } from '../transport/http.js';
import { redactUrl } from '../transport/redact.js';
import type { Auth } from '../transport/types.js';
import { HubBackend, type HubBackendOptions } from './backend.js';
import { createHubFetch, ErrorDetailsLog } from './fetch.js';
import { HubHttp } from './http.js';

/** Product a client talks to; `auto` detects it with a few requests before the first call. */
export type ProductKind = 'server' | 'hub' | 'auto';

/** Builds an HTTP client for a REST root, optionally with the `fetch` wrapped first. */
export type HttpFactory = (restRoot: string, wrapFetch?: (base: typeof fetch) => typeof fetch) => HttpClient;

export interface HubUrl {
  /** API root without a trailing slash and without credentials, such as `https://api.hub.example.com`. */
  apiRoot: string;
  username?: string;
  password?: string;
}

/**
 * Turns a Hub URL into the API root: the bare `https://api.<hub-host>` (or a root with a path
 * prefix such as `/_/api`), without credentials, query or fragment.
 * @throws InvalidInputError when the URL is not an absolute http(s) URL
 */
export function resolveHubUrl(input: string): HubUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidInputError(
      `invalid Hub URL "${redactUrl(input)}": expected the API root, such as https://api.hub.example.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(
      `invalid Hub URL "${redactUrl(input)}": the scheme must be http or https, not ${url.protocol.replace(':', '')}`,
    );
  }
  const result: HubUrl = { apiRoot: '' };
  if (url.username) result.username = decodeURIComponent(url.username);
  if (url.password) result.password = decodeURIComponent(url.password);
  result.apiRoot = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return result;
}

/**
 * Infers the product a URL points to from the URL alone:
 * - a path ending in `/rest` or `/rest/v4`, or any other context root such as `/knime`, is a
 *   KNIME Server;
 * - the path `/_/api` (the Hub's same-origin API prefix) or a host starting with `api.` is a Hub;
 * - a bare origin on any other host is `auto`: the client asks the server (see `detectProduct`).
 * JWT credentials exist only on KNIME Server, so they make an undecided URL a Server.
 */
export function inferProductKind(url: string, auth?: Auth): 'server' | 'hub' | 'auto' {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'server';
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (/\/_\/api$/i.test(path)) return 'hub';
  if (path !== '') return 'server';
  if (/^api\./i.test(parsed.hostname)) return 'hub';
  return auth?.type === 'jwt' ? 'server' : 'auto';
}

/**
 * Builds the Hub backend for `apiRoot`.
 * @throws InvalidInputError for JWT credentials (a Hub takes an application password or a bearer
 *   token) and for invalid default target options
 */
export function createHubBackend(
  apiRoot: string,
  makeHttp: HttpFactory,
  auth: Auth | undefined,
  options: HubBackendOptions = {},
): HubBackend {
  if (auth?.type === 'jwt') {
    throw new InvalidInputError(
      'JWT credentials (auth.type "jwt") exist only on KNIME Server; for a Hub give an application password as ' +
        'auth { type: "basic", username: <application password id>, password: <secret> } or a bearer token',
    );
  }
  const errors = new ErrorDetailsLog();
  const http = makeHttp(apiRoot, (base) => createHubFetch(base, errors));
  return new HubBackend(new HubHttp(http, errors), options);
}

/**
 * Basic credentials of an application password: its id as user name and its secret as password.
 * The id is the `pwId` (a 43-character string), not the `account:app-pw:<uuid>` account id.
 */
export function applicationPassword(id: string, secret: string): Auth {
  if (id.startsWith('account:app-pw:')) {
    throw new InvalidInputError(
      `"${id}" is the account id of the application password; give its id (pwId), the 43-character value shown when it was created`,
    );
  }
  return { type: 'basic', username: id, password: secret };
}
