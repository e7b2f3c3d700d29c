/**
 * Garbage answers for the bad-input corpus: a `fetch` that forwards to the simulator but answers
 * one REST operation with a broken body, status or content type.
 */
import { classifyRequest } from '../../../bench/lib/counting.js';

/** A broken answer: status, content type and body bytes or text. */
export interface GarbageAnswer {
  name: string;
  status: number;
  contentType: string | undefined;
  body: string | Uint8Array;
}

export const GARBAGE_ANSWERS: readonly GarbageAnswer[] = [
  {
    name: 'HTML page with 200',
    status: 200,
    contentType: 'text/html',
    body: '<html><body>Login</body></html>',
  },
  { name: 'empty body with 200', status: 200, contentType: 'application/json', body: '' },
  { name: 'invalid JSON', status: 200, contentType: 'application/json', body: '{"id": "abc", "state": ' },
  { name: 'JSON array', status: 200, contentType: 'application/json', body: '[1, 2, 3]' },
  { name: 'JSON null', status: 200, contentType: 'application/json', body: 'null' },
  {
    name: 'JSON object of wrong shape',
    status: 200,
    contentType: 'application/json',
    body: '{"hello": "world"}',
  },
  {
    name: 'binary bytes',
    status: 200,
    contentType: 'application/octet-stream',
    body: new Uint8Array([0, 159, 146, 150, 255, 0, 1]),
  },
  { name: 'plain text with 200', status: 200, contentType: 'text/plain', body: 'OK' },
  { name: 'JSON without content type', status: 200, contentType: undefined, body: '{"weird": true}' },
  { name: 'HTML error page with 418', status: 418, contentType: 'text/html', body: '<h1>I am a teapot</h1>' },
];

/**
 * Wraps `inner` so that requests of `operation` (as {@link classifyRequest} names it, such as
 * `read job`) get `answer`; `after` lets that many requests of the operation through first.
 */
export function garbageFetch(
  inner: typeof fetch,
  operation: string,
  answer: GarbageAnswer,
  after = 0,
): typeof fetch {
  let seen = 0;
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (classifyRequest(method, new URL(url).pathname) === operation && seen++ >= after) {
      const headers = answer.contentType === undefined ? undefined : { 'content-type': answer.contentType };
      return new Response(answer.body, { status: answer.status, headers });
    }
    return inner(input, init);
  }) as typeof fetch;
}
