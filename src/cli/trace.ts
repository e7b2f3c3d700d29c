import type { Output } from './terminal.js';

const secretQueryName = /pass|secret|token|key|auth|credential|jwt/i;

/** Returns `url` without user info and with secret-looking query values replaced by `***`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretQueryName.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}

/**
 * Wraps `fetch` so that `--debug` prints one line per request and response: method, redacted URL,
 * status and time. Headers and bodies are never printed, because they carry the Authorization
 * header and job inputs (which may hold credentials).
 */
export function tracingFetch(output: Output, base: typeof fetch = fetch): typeof fetch {
  let sequence = 0;
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = init?.method ?? request?.method ?? 'GET';
    const url = redactUrl(request ? request.url : String(input));
    const number = ++sequence;
    const startedAt = performance.now();

    output.debug(`http #${number} → ${method} ${url}`);
    try {
      const response = await base(input, init);
      output.debug(
        `http #${number} ← ${response.status} ${method} ${url} (${Math.round(performance.now() - startedAt)}ms)`,
      );
      return response;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      output.debug(
        `http #${number} ✗ ${method} ${url}: ${cause} (${Math.round(performance.now() - startedAt)}ms)`,
      );
      throw error;
    }
  };
}

/**
 * Logger for the library that writes through `output` (debug and info only with `--debug`).
 * Warnings read as sentences: the structured fields are appended as JSON only with `--debug`,
 * and without it only a `jobId` field is named, as `(job ID)`, when the message lacks it.
 */
export function cliLogger(output: Output) {
  const withFields = (message: string, fields?: Record<string, unknown>) =>
    fields === undefined || Object.keys(fields).length === 0
      ? message
      : `${message} ${JSON.stringify(fields)}`;
  const sentence = (message: string, fields?: Record<string, unknown>) => {
    if (output.debugEnabled) return withFields(message, fields);
    const jobId = fields?.jobId;
    return typeof jobId === 'string' && !message.includes(jobId) ? `${message} (job ${jobId})` : message;
  };
  return {
    debug: (message: string, fields?: Record<string, unknown>) => output.debug(withFields(message, fields)),
    info: (message: string, fields?: Record<string, unknown>) => output.debug(withFields(message, fields)),
    warn: (message: string, fields?: Record<string, unknown>) => output.warn(sentence(message, fields)),
    error: (message: string, fields?: Record<string, unknown>) => output.debug(withFields(message, fields)),
  };
}
