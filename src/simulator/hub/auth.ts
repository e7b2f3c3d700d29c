import { timingSafeEqual } from 'node:crypto';
import type { AccountDirectory, ResolvedApplicationPassword, UserAccount } from './accounts.js';
import type { HubAppOptions } from './options.js';

/** Sender of a request: the user, and the application password when one authenticated it. */
export interface HubCaller {
  readonly user: UserAccount;
  readonly applicationPassword?: ResolvedApplicationPassword;
  /** Authentication method; `anonymous` while authentication is off. */
  readonly via: 'basic' | 'auth-token' | 'bearer' | 'anonymous';
}

export type HubAuthResult = { ok: true; caller: HubCaller } | { ok: false; title: string };

/**
 * Checks application passwords (Basic `pwId:password`, or the same value base64-encoded in
 * `?authToken=`) and bearer tokens against the configured users.
 */
export class HubAuthenticator {
  readonly #accounts: AccountDirectory;
  readonly #options: Pick<HubAppOptions, 'authTokenQuery'>;

  constructor(accounts: AccountDirectory, options: Pick<HubAppOptions, 'authTokenQuery'>) {
    this.#accounts = accounts;
    this.#options = options;
  }

  /**
   * Checks the credentials of one request, in this order: the `Authorization` header, the
   * `authToken` query parameter, and the browser-session cookie `knime_hub_auth` (a bearer token).
   */
  authenticate(header: string | undefined, authToken: string | undefined, cookie?: string): HubAuthResult {
    if (!this.#accounts.authenticationEnabled) {
      const first = this.#accounts.users[0] as UserAccount;
      return { ok: true, caller: { user: first, via: 'anonymous' } };
    }

    if (header) {
      const [scheme = '', ...rest] = header.trim().split(/\s+/);
      const value = rest.join(' ');
      if (scheme.toLowerCase() === 'basic') return this.#basic(value, 'basic');
      if (scheme.toLowerCase() === 'bearer') return this.#bearer(value);
      return { ok: false, title: `Unsupported authorization scheme '${scheme}'. Use Basic or Bearer.` };
    }
    if (authToken !== undefined && this.#options.authTokenQuery === 'all')
      return this.#basic(authToken, 'auth-token');
    const sessionToken = cookieValue(cookie, 'knime_hub_auth');
    if (sessionToken !== undefined) return this.#bearer(sessionToken);
    return { ok: false, title: 'Authentication required. Send an application password or a bearer token.' };
  }

  #basic(encoded: string, via: 'basic' | 'auth-token'): HubAuthResult {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, title: 'Invalid credentials: expected base64 of <pwId>:<password>.' };

    const pwId = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    for (const user of this.#accounts.users) {
      const match = user.applicationPasswords.find((candidate) => candidate.pwId === pwId);
      if (!match) continue;
      if (!sameText(match.password, password)) break;
      if (match.revoked) return { ok: false, title: 'The application password has been revoked.' };
      return { ok: true, caller: { user, applicationPassword: match, via } };
    }
    return { ok: false, title: 'Invalid application password.' };
  }

  #bearer(token: string): HubAuthResult {
    for (const user of this.#accounts.users) {
      if (user.bearerTokens.some((candidate) => sameText(candidate, token))) {
        return { ok: true, caller: { user, via: 'bearer' } };
      }
    }
    return { ok: false, title: 'Invalid or expired bearer token.' };
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads one cookie from a `Cookie` header; undefined when it is absent. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [key = '', ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
