/**
 * URLs of the KNIME Server REST API v4: the REST root from a server URL, and percent-encoded
 * repository paths with their `:suffix`.
 */
import { InvalidInputError } from '../errors/index.js';
import { redactUrl } from '../transport/redact.js';

export interface ServerUrl {
  /** REST root without a trailing slash and without credentials, ending in `/rest/v4`. */
  restRoot: string;
  /** Credentials found in the URL's user info, decoded. */
  username?: string;
  password?: string;
}

/**
 * Turns a server URL into the REST root. Accepts the context root (`/knime`, `/webportal`,
 * `/com.knime.enterprise.server` or a custom root), or a URL already ending in `/rest` or `/rest/v4`.
 * @throws InvalidInputError when the URL is not an absolute http(s) URL
 */
export function resolveServerUrl(input: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidInputError(
      `invalid server URL "${redactUrl(input)}": expected an absolute URL such as http://127.0.0.1:8080/knime`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(
      `invalid server URL "${redactUrl(input)}": the scheme must be http or https, not ${url.protocol.replace(':', '')}`,
    );
  }

  const result: ServerUrl = { restRoot: '' };
  if (url.username) result.username = decodeURIComponent(url.username);
  if (url.password) result.password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';

  let path = url.pathname.replace(/\/+$/, '');
  if (/\/rest\/v4$/i.test(path)) {
    // Already the REST root.
  } else if (/\/rest$/i.test(path)) {
    path += '/v4';
  } else {
    path += '/rest/v4';
  }
  result.restRoot = `${url.origin}${path}`;
  return result;
}

/**
 * Percent-encodes a decoded repository path segment by segment (RFC 3986), keeping the `/`
 * separators. `#`, `%`, `+`, `&`, `:` and spaces inside names are encoded; callers pass decoded
 * names, so nothing is encoded twice.
 * @throws InvalidInputError when the path is empty or not absolute
 */
export function encodeRepositoryPath(path: string): string {
  if (!path.startsWith('/')) {
    throw new InvalidInputError(
      `invalid repository path "${path}": it must be absolute, such as /Examples/Scoring`,
    );
  }
  const segments = path.slice(1).split('/');
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  return `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/** Path of a repository item below the REST root, with an optional operation suffix. */
export function repositoryPath(itemPath: string, suffix?: string): string {
  const encoded = itemPath === '/' ? '/' : encodeRepositoryPath(itemPath);
  return `/repository${encoded}${suffix ? `:${suffix}` : ''}`;
}

/** Path of a job below the REST root. */
export function jobPath(jobId: string, rest = ''): string {
  return `/jobs/${encodeURIComponent(jobId)}${rest}`;
}
