import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { seededRandom } from './random.js';

/**
 * Response header that makes the transport adapters drop the connection instead of sending the
 * response. In-process fetch rejects like a reset socket; the loopback server destroys the socket.
 */
export const RESET_MARKER_HEADER = 'x-simulator-reset-connection';

/**
 * Response header that makes the adapters cut the body after this many bytes, as a connection
 * that breaks during a download does.
 */
export const TRUNCATE_MARKER_HEADER = 'x-simulator-truncate-after';

const rate = z.number().min(0).max(1);

/** One fault rule. A request matches when its method and path match; the first matching rule applies. */
export const faultRuleSchema = z.strictObject({
  /** HTTP method to match, case-insensitive. Omitted matches every method. */
  method: z.string().optional(),
  /** Regular expression tested against the decoded request path. Omitted matches every path. */
  path: z.string().optional(),
  /** Added latency in milliseconds of wall time: a number, or `[min, max]` drawn uniformly. */
  latencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
  /** Share of requests answered 500, 502 or 503 without doing any work. */
  serverErrorRate: rate.optional(),
  /** Share of requests whose connection is reset before the server does any work. */
  resetRate: rate.optional(),
  /** Share of requests the server carries out, then resets the connection instead of answering. */
  lostResponseRate: rate.optional(),
  /** Share of requests answered 502 with an HTML page, as a proxy in front of the server does. */
  nonJsonErrorRate: rate.optional(),
  /** Share of successful responses whose body is cut after half of its bytes. */
  truncateRate: rate.optional(),
});

export const faultConfigSchema = z.strictObject({
  /** Seed of the random draws, so the same config and request order give the same faults. */
  seed: z.number().int().default(1),
  rules: z.array(faultRuleSchema).default([]),
});

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.input<typeof faultConfigSchema>;

/** Kinds of fault the middleware injected, counted per kind for tests and benchmarks. */
export type FaultKind = 'latency' | 'serverError' | 'reset' | 'lostResponse' | 'nonJsonError' | 'truncate';

/** Fault injection state shared by one simulator instance. */
export class FaultInjector {
  readonly counts: Record<FaultKind, number> = {
    latency: 0,
    serverError: 0,
    reset: 0,
    lostResponse: 0,
    nonJsonError: 0,
    truncate: 0,
  };

  #rules: FaultRule[] = [];
  #random: () => number = seededRandom(1);

  constructor(config?: FaultConfig) {
    this.configure(config ?? {});
  }

  /** Replaces the rules and restarts the random sequence from the config's seed. */
  configure(config: FaultConfig): void {
    const parsed = faultConfigSchema.parse(config);
    this.#rules = parsed.rules;
    this.#random = seededRandom(parsed.seed);
  }

  /** Middleware that applies the first matching rule to each request. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const rule = this.#match(c.req.method, c.req.path);
      if (!rule) {
        await next();
        return;
      }

      const latency = this.#drawLatency(rule);
      if (latency > 0) {
        this.counts.latency++;
        await new Promise((resolve) => setTimeout(resolve, latency));
      }

      if (this.#draw(rule.resetRate)) {
        this.counts.reset++;
        c.res = resetResponse();
        return;
      }

      if (this.#draw(rule.serverErrorRate)) {
        this.counts.serverError++;
        const statuses = [500, 502, 503] as const;
        const status = statuses[Math.floor(this.#random() * statuses.length)] ?? 503;
        c.res = new Response(
          JSON.stringify({ '@error': { '@message': 'Injected server error', '@httpStatusCode': status } }),
          {
            status,
            headers: { 'content-type': 'application/vnd.mason+json;charset=UTF-8' },
          },
        );
        return;
      }

      if (this.#draw(rule.nonJsonErrorRate)) {
        this.counts.nonJsonError++;
        c.res = new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        });
        return;
      }

      const lose = this.#draw(rule.lostResponseRate);
      const truncate = this.#draw(rule.truncateRate);
      await next();

      if (lose) {
        this.counts.lostResponse++;
        c.res = resetResponse();
        return;
      }

      if (truncate && c.res.ok) {
        const length = Number(c.res.headers.get('content-length') ?? Number.NaN);
        const body = await c.res.arrayBuffer();
        const cutAfter = Math.floor((Number.isFinite(length) ? length : body.byteLength) / 2);
        this.counts.truncate++;
        const headers = new Headers(c.res.headers);
        headers.set('content-length', String(body.byteLength));
        headers.set(TRUNCATE_MARKER_HEADER, String(cutAfter));
        c.res = new Response(body, { status: c.res.status, headers });
      }
    };
  }

  #match(method: string, path: string): FaultRule | undefined {
    return this.#rules.find(
      (rule) =>
        (!rule.method || rule.method.toUpperCase() === method.toUpperCase()) &&
        (!rule.path || new RegExp(rule.path).test(path)),
    );
  }

  #draw(probability: number | undefined): boolean {
    if (!probability) return false;
    return this.#random() < probability;
  }

  #drawLatency(rule: FaultRule): number {
    if (rule.latencyMs === undefined) return 0;
    if (typeof rule.latencyMs === 'number') return rule.latencyMs;
    const [min, max] = rule.latencyMs;
    return min + this.#random() * Math.max(0, max - min);
  }
}

function resetResponse(): Response {
  return new Response(null, { status: 599, headers: { [RESET_MARKER_HEADER]: '1' } });
}
