import type { PipelineEvent, RunResult } from '../../pipeline/index.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { pipelineConnections } from '../pipeline-connections.js';
import { PipelineProgress } from '../pipeline-progress.js';
import { printJson, resultFormat } from '../print.js';
import { InterruptGuard } from '../signals.js';

/** `knimectl pipeline run FILE` and `knimectl pipeline resume RUN_ID`. */
export default async function pipelineRun({
  args,
  options,
  output,
  command,
}: CommandContext): Promise<number> {
  const resume = command.name() === 'resume';
  const format = resultFormat(options);
  const pipeline = await import('../../pipeline/index.js');

  const maxParallel = Number(options.maxParallel ?? '4');
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new CliExitError(
      ExitCode.usage,
      `invalid --max-parallel "${String(options.maxParallel)}": expected a whole number of 1 or more`,
    );
  }
  const progress = new PipelineProgress(output, format === 'json');
  const runner = {
    ...(typeof options.ledger === 'string' ? { ledgerPath: options.ledger } : {}),
    maxParallel,
    pollIntervalMs: parseDuration(String(options.pollInterval ?? '5s'), '--poll-interval'),
    connections: pipelineConnections(output),
    env: output.terminal.env,
    onEvent: (event: PipelineEvent) => progress.onEvent(event),
  };

  const guard = new InterruptGuard(output, () => 'the pipeline run');
  let result: RunResult;
  try {
    if (resume) {
      result = await pipeline.resumeRun(args[0]!, {
        ...runner,
        signal: guard.signal,
        allowChangedPipeline: options.allowChangedPipeline === true,
      });
    } else {
      const params = pipeline.parseParamArguments((options.param as string[] | undefined) ?? []);
      result = await pipeline.runPipeline(args[0]!, {
        ...runner,
        signal: guard.signal,
        params,
        rerun: options.rerun === true,
      });
    }
  } catch (error) {
    throw pipelineError(error, pipeline.exitCodeForError(error));
  } finally {
    progress.stop();
    guard.dispose();
  }

  // With --json, stdout is NDJSON: the runner's events, then this result as the last line.
  if (format === 'json') printJson({ type: 'run-result', ...result }, output);
  else {
    output.out(`run\t${result.runId}\t${result.outcome}\n`);
    for (const step of result.steps) {
      output.out(`${step.name}\t${step.state}${step.error ? `\t${step.error}` : ''}\n`);
    }
  }

  const code = pipeline.exitCodeForOutcome(result.outcome, guard.received);
  if (code !== 0) {
    output.error(
      `error: pipeline run ${result.runId} ${result.outcome}${result.error ? `: ${result.error}` : ''}`,
    );
    output.error(
      `see \`knimectl pipeline status ${result.runId}\`; continue it with \`knimectl pipeline resume ${result.runId}\``,
    );
  }
  return code;
}

/** Maps an error of the pipeline API to an exit error: usage errors to 2, others like library errors. */
export function pipelineError(error: unknown, usageCode: number | undefined): CliExitError {
  if (error instanceof CliExitError) return error;
  if (usageCode !== undefined) {
    return new CliExitError(ExitCode.usage, (error as Error).message, undefined, { cause: error });
  }
  return toExitError(error);
}
