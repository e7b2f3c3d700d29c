/** JSON line printed by `bench/scenarios/fanout-worker.mjs`. */
export interface FanoutWorkerResult {
  jobs: number;
  succeeded: number;
  wrongOutputs: number;
  /** Error count per `KnimeError` code (`untyped` for anything else). */
  errors: Record<string, number>;
  firstError?: string;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** CPU time of the whole process, Node start-up and module loading included. */
  cpuTotalMs: number;
  /** Peak resident set size of the worker process, in bytes. */
  maxRssBytes: number;
  /** Detection latency per successful job, in milliseconds. */
  latenciesMs: number[];
}
