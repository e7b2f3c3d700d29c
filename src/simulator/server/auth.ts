import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimClock } from '../common/clock.js';
import type { PermissionRule, ServerAppOptions } from './options.js';

/** User name of every request while authentication is disabled (no accounts configured). */
export const ANONYMOUS_USER = 'anonymous';

export type AuthResult = { ok: true; user: string } | { ok: false; message: string };

/**
 * Basic and Bearer authentication against the configured accounts, JWT issue and check, and the
 * per-user repository permissions.
 */
export class Authenticator {
  readonly #options: ServerAppOptions;
  readonly #clock: SimClock;
  readonly #secret: Buffer;

  constructor(options: ServerAppOptions, clock: SimClock, secret: Buffer = randomBytes(32)) {
    this.#options = options;
    this.#clock = clock;
    this.#secret = secret;
  }

  get enabled(): boolean {
    return this.#options.users.length > 0;
  }

  /** Checks an `Authorization` header value. */
  authenticate(header: string | undefined): AuthResult {
    if (!this.enabled) return { ok: true, user: ANONYMOUS_USER };
    if (!header)
      return { ok: false, message: 'Authentication required: send Basic credentials or a Bearer token' };

    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const value = rest.join(' ');
    if (scheme.toLowerCase() === 'basic') return this.#basic(value);
    if (scheme.toLowerCase() === 'bearer') return this.#bearer(value);
    return { ok: false, message: `Unsupported authorization scheme "${scheme}"; use Basic or Bearer` };
  }

  /** Issues a signed JWT (HS256) for `user`, valid for the configured lifetime of simulated time. */
  issueToken(user: string): string {
    const now = this.#clock.now();
    const payload: Record<string, unknown> = {
      sub: user,
      iat: Math.floor(now / 1000),
      iss: 'knime-server-simulator',
    };
    if (this.#options.jwtLifetimeMs !== undefined) {
      payload.exp = Math.floor((now + this.#options.jwtLifetimeMs) / 1000);
    }
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = base64url(JSON.stringify(payload));
    return `${head}.${body}.${this.#sign(`${head}.${body}`)}`;
  }

  /** Whether `user` may use the repository item at `path`. */
  mayUse(user: string, path: string): boolean {
    const rules = this.#options.permissions.filter((rule) => rule.user === user || rule.user === '*');
    return rules.every((rule) => ruleAllows(rule, path));
  }

  #basic(value: string): AuthResult {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      return { ok: false, message: 'Invalid Basic credentials: expected base64 of user:password' };

    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const account = this.#options.users.find((user) => user.name === name);
    if (!account || !sameText(account.password, password)) {
      return { ok: false, message: 'Invalid user name or password' };
    }
    return { ok: true, user: name };
  }

  #bearer(token: string): AuthResult {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, message: 'Invalid Bearer token' };

    const [head = '', body = '', signature = ''] = parts;
    if (!sameText(this.#sign(`${head}.${body}`), signature))
      return { ok: false, message: 'Invalid Bearer token' };

    let payload: { sub?: unknown; exp?: unknown };
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, message: 'Invalid Bearer token' };
    }
    if (typeof payload.exp === 'number' && payload.exp * 1000 <= this.#clock.now()) {
      return { ok: false, message: 'Bearer token expired; request a new one from /auth/jwt' };
    }
    const user = this.#options.users.find((account) => account.name === payload.sub);
    if (!user) return { ok: false, message: 'Bearer token names an unknown user' };
    return { ok: true, user: user.name };
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#secret).update(data).digest('base64url');
  }
}

function ruleAllows(rule: PermissionRule, path: string): boolean {
  if (rule.deny?.some((prefix) => covers(prefix, path))) return false;
  return rule.allow === undefined || rule.allow.some((prefix) => covers(prefix, path));
}

/** Whether the repository path prefix `prefix` covers `path`, segment by segment. */
function covers(prefix: string, path: string): boolean {
  const base = prefix.replace(/\/+$/, '');
  if (base === '') return true;
  return path === base || path.startsWith(`${base}/`);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
