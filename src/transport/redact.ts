/**
 * Credential redaction for URLs, headers and free text. Every URL, header set and message that
 * leaves the transport layer (errors, logs, debug traces) passes through these functions.
 */

const REDACTED = '[REDACTED]';

/** Query parameter names whose values are secrets. */
const SECRET_QUERY_NAMES = /^(authtoken|token|access_token|password|passwd|secret|api_key|apikey)$/i;

/** Returns `url` without user info and with secret query values replaced. Invalid URLs are masked. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactText(String(url));
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_NAMES.test(name)) parsed.searchParams.set(name, REDACTED);
  }
  return parsed.toString();
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Copies `headers` into a plain object, masking credentials. */
export function redactHeaders(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of new Headers(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) {
      result[name] = value;
      continue;
    }
    const scheme = /^(Basic|Bearer)\s/i.exec(value)?.[1];
    result[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return result;
}

/**
 * Masks credentials inside free text: user info in URLs, `Basic`/`Bearer` header values, JWTs,
 * and every extra secret the caller registered (passwords, tokens).
 */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let result = text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, '$1')
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED);
  for (const secret of secrets) {
    // Short secrets would mask ordinary words, so only secrets of four or more characters count.
    if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Deep copy of log fields with every string redacted and secret-looking keys masked. */
export function redactFields(value: unknown, secrets: Iterable<string> = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value instanceof URL) return redactUrl(value);
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`, secrets);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, secrets, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = /password|secret|token|authorization|cookie/i.test(key)
      ? REDACTED
      : redactFields(item, secrets, depth + 1);
  }
  return result;
}
