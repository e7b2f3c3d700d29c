/**
 * Progress events of a run, passed to `onEvent` in order. Each is a plain JSON object, so the CLI can
 * print one per line as NDJSON.
 */
import type { RunOutcome } from './ledger/ledger.js';
import type { StepOutputs } from './steps/types.js';

interface EventBase {
  /** ISO 8601 time of the runner's clock. */
  readonly time: string;
  readonly runId: string;
}

export type PipelineEvent =
  | (EventBase & {
      readonly type: 'run-started';
      readonly pipeline: string;
      readonly file: string;
      readonly params: Record<string, unknown>;
      readonly resumed: boolean;
    })
  | (EventBase & { readonly type: 'step-skipped'; readonly step: string; readonly reason: string })
  | (EventBase & { readonly type: 'step-starting'; readonly step: string; readonly attempt: number })
  | (EventBase & {
      readonly type: 'step-started';
      readonly step: string;
      readonly attempt: number;
      readonly remoteSystem: string;
      readonly remoteId: string;
      /** Absolute deadline of the attempt, ISO 8601, when the step has a timeout. */
      readonly deadline: string | null;
    })
  | (EventBase & {
      readonly type: 'step-attached';
      readonly step: string;
      readonly attempt: number;
      readonly remoteSystem: string;
      readonly remoteId: string;
    })
  | (EventBase & {
      readonly type: 'step-retrying';
      readonly step: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: string;
    })
  | (EventBase & {
      readonly type: 'step-ended';
      readonly step: string;
      readonly attempt: number | null;
      readonly outcome: string;
      readonly conclusion: string;
      readonly error: string | null;
      readonly outputs: StepOutputs;
    })
  | (EventBase & {
      readonly type: 'run-ended';
      readonly outcome: RunOutcome;
      readonly exitCode: number;
      readonly error: string | null;
    });

export type PipelineEventType = PipelineEvent['type'];
