/**
 * Kerberos SPNEGO login through the `curl` program. Node.js has no GSS-API, but curl built with
 * GSS-API support (the usual Linux package) responds to a `Negotiate` challenge from the process's
 * Kerberos ticket cache (after `kinit`). The client lets curl do the login once and then sends the
 * `hadoop.auth` cookie that Oozie hands out, until Oozie rejects it.
 */
import { execFile } from 'node:child_process';
import { AuthenticationError } from '../errors/index.js';

/** Options of {@link obtainHadoopAuthCookieWithCurl}. */
export interface CurlLoginOptions {
  /** Path or name of the curl program. @default 'curl' */
  curlPath?: string;
  /** Maximum time the curl run may take, in milliseconds of wall time. @default 30000 */
  timeoutMs?: number;
}

/**
 * Reads the `hadoop.auth` cookie from curl's cookie jar output (Netscape format, one cookie per
 * line, tab-separated, `#HttpOnly_` prefix on HttpOnly cookies). Returns undefined when absent.
 */
export function readHadoopAuthCookie(cookieJar: string): string | undefined {
  for (const line of cookieJar.split(/\r?\n/)) {
    const fields = line.replace(/^#HttpOnly_/, '').split('\t');
    if (line.startsWith('#') && !line.startsWith('#HttpOnly_')) continue;
    if (fields.length < 7 || fields[5] !== 'hadoop.auth') continue;
    const value = fields.slice(6).join('\t').replace(/^"|"$/g, '');
    if (value !== '') return value;
  }
  return undefined;
}

/**
 * Logs in to `url` with `curl --negotiate -u :` and returns the `hadoop.auth` cookie value. No
 * credential appears on the command line: curl takes the ticket from the Kerberos ticket cache.
 *
 * @throws AuthenticationError when curl is missing, fails, or the server sets no cookie (no valid
 *   ticket, curl without GSS-API support, or a server principal that does not match the host).
 */
export function obtainHadoopAuthCookieWithCurl(url: string, options: CurlLoginOptions = {}): Promise<string> {
  const curl = options.curlPath ?? 'curl';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const args = [
    '--negotiate',
    '-u',
    ':',
    '--silent',
    '--show-error',
    '--fail',
    '--output',
    '/dev/null',
    '--cookie-jar',
    '-',
    url,
  ];

  return new Promise((resolve, reject) => {
    execFile(curl, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || error.message).trim().split('\n')[0];
        reject(
          new AuthenticationError(
            `Kerberos login to ${url} with ${curl} --negotiate failed: ${detail}. Check that kinit ran for this ` +
              'user (klist) and that curl supports GSS-API (curl -V lists GSS-API or SPNEGO)',
            { request: { method: 'GET', url }, cause: error },
          ),
        );
        return;
      }
      const cookie = readHadoopAuthCookie(stdout);
      if (!cookie) {
        reject(
          new AuthenticationError(
            `Kerberos login to ${url} with ${curl} --negotiate got no hadoop.auth cookie; check the ticket (klist) ` +
              'and that the server uses Kerberos authentication',
            { request: { method: 'GET', url } },
          ),
        );
        return;
      }
      resolve(cookie);
    });
  });
}
