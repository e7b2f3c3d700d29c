import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { SimClock } from '../common/clock.js';
import type { OozieSimulatorConfig } from './options.js';
import { errorResponse, errors } from './wire.js';

/** Hono variables the auth middleware sets for the routes. */
export interface AuthVariables {
  /** Authenticated user (after `doAs`), or undefined for an anonymous request. */
  user: string | undefined;
}

export const AUTH_COOKIE = 'hadoop.auth';

/**
 * A 401 from the authentication filter. Hadoop-Auth responds before the Oozie servlet runs, so the
 * response has no `oozie-error-*` headers.
 */
function filterChallenge(challenge: string | undefined): Response {
  const headers: Record<string, string> = { 'content-type': 'text/html;charset=ISO-8859-1' };
  if (challenge) headers['www-authenticate'] = challenge;
  return new Response('<html><body><h2>HTTP ERROR 401</h2><p>Authentication required</p></body></html>', {
    status: 401,
    headers,
  });
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=').replace(/^"|"$/g, '');
  }
  return undefined;
}

function decodeBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Authenticates requests as Hadoop-Auth and an optional Basic proxy do. The proxy checks Basic
 * credentials first. Otherwise a valid `hadoop.auth` cookie, a `Negotiate` token (kerberos-stub) or
 * the `user.name` parameter (simple) names the user. `doAs` then switches to another user, for
 * proxy users only.
 */
export function authMiddleware(
  config: OozieSimulatorConfig,
  clock: SimClock,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const tokens = new Map<string, { user: string; expiresMs: number }>();

  const issueCookie = (user: string): string => {
    const expiresMs = clock.now() + config.tokenValiditySeconds * 1000;
    const signature = randomBytes(12).toString('base64url');
    const value = `u=${user}&p=${user}&t=${config.auth === 'simple' ? 'simple' : 'kerberos'}&e=${expiresMs}&s=${signature}`;
    tokens.set(value, { user, expiresMs });
    return `${AUTH_COOKIE}="${value}"; Path=/; HttpOnly`;
  };

  return async (c, next) => {
    let user: string | undefined;
    let newCookie = false;

    if (config.proxyBasicAuth) {
      const credentials = decodeBasic(c.req.header('authorization'));
      const valid = config.proxyBasicAuth.some(
        (entry) => entry.username === credentials?.username && entry.password === credentials?.password,
      );
      if (!credentials || !valid) return filterChallenge('Basic realm="oozie"');
      user = credentials.username;
    } else {
      const cookie = readCookie(c.req.header('cookie'), AUTH_COOKIE);
      const token = cookie ? tokens.get(cookie) : undefined;
      if (token && token.expiresMs > clock.now()) {
        user = token.user;
      } else if (config.auth === 'kerberos-stub') {
        const authorization = c.req.header('authorization') ?? '';
        if (!/^Negotiate\s+\S+/i.test(authorization)) return filterChallenge('Negotiate');
        user = c.req.query('user.name') ?? config.kerberosUser;
        newCookie = true;
      } else {
        user = c.req.query('user.name');
        if (user === undefined && !config.anonymousAllowed) return filterChallenge(undefined);
        newCookie = user !== undefined;
      }
    }

    const principal = user;
    const doAs = c.req.query('doAs');
    if (doAs !== undefined && doAs !== user) {
      if (user === undefined || !config.proxyUsers.includes(user))
        return errorResponse(errors.proxyUser(user ?? '', doAs));
      user = doAs;
    }

    c.set('user', user);
    await next();
    if (newCookie && principal !== undefined && c.res.status < 400) {
      c.res.headers.append('set-cookie', issueCookie(principal));
    }
  };
}
