/**
 * Reading response bodies: the readable text of error bodies in the styles KNIME servers and the
 * proxies in front of them send (Mason `@error`, problem JSON, plain text, HTML pages, empty).
 */

/** Longest body excerpt kept in an error, in characters. */
export const BODY_EXCERPT_LENGTH = 500;

/** Largest error body read, in bytes; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Reads at most `MAX_ERROR_BODY_BYTES` of `response` as text. Never throws. */
export async function readLimitedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A cut connection while reading an error body leaves what arrived so far.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether a body is an HTML page, judged by the content type or the first characters. */
export function isHtml(text: string, contentType: string | null): boolean {
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) return true;
  return /^\s*(<!doctype html|<html)/i.test(text);
}

/**
 * Returns the human-readable part of an error body, trimmed to {@link BODY_EXCERPT_LENGTH}
 * characters: the Mason `@error` message, a problem document's title and detail, the title and
 * text of an HTML page, or the plain text.
 */
export function describeBody(text: string, contentType: string | null): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';

  if (isHtml(trimmed, contentType)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1]?.trim();
    const plain = trimmed
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const summary = title && !plain.startsWith(title) ? `${title}: ${plain}` : plain;
    return excerpt(`HTML page: ${summary}`);
  }

  const parsed = tryParseJson(trimmed);
  if (parsed && typeof parsed === 'object') {
    const record = parsed as Record<string, unknown>;
    const mason = record['@error'];
    if (mason && typeof mason === 'object') {
      const error = mason as Record<string, unknown>;
      const parts = [error['@message'], ...(Array.isArray(error['@messages']) ? error['@messages'] : [])];
      return excerpt(parts.filter((part) => typeof part === 'string' && part !== '').join('; '));
    }
    const problem = [record.title, record.detail, ...(Array.isArray(record.details) ? record.details : [])];
    const problemText = problem.filter((part) => typeof part === 'string' && part !== '').join('; ');
    if (problemText) return excerpt(problemText);
    if (typeof record.message === 'string') return excerpt(record.message);
  }
  return excerpt(trimmed.replace(/\s+/g, ' '));
}

export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  return text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
}
