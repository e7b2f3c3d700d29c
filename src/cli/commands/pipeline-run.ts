import type { PipelineEvent, RunResult } from '../../pipeline/index.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { pipelineConnections } from '../pipeline-connections.js';
import { printJson, resultFormat } from '../print.js';
import { InterruptGuard } from '../signals.js';
import type { Output } from '../terminal.js';

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
  const runner = {
    ...(typeof options.ledger === 'string' ? { ledgerPath: options.ledger } : {}),
    maxParallel,
    pollIntervalMs: parseDuration(String(options.pollInterval ?? '5s'), '--poll-interval'),
    connections: pipelineConnections(output),
    env: output.terminal.env,
    onEvent: (event: PipelineEvent) => printEvent(event, output),
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
    guard.dispose();
  }

  if (format === 'json') printJson(result, output);
  else {
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

function printEvent(event: PipelineEvent, output: Output): void {
  switch (event.type) {
    case 'run-started':
      output.info(`run ${event.runId} of ${event.pipeline} ${event.resumed ? 'resumed' : 'started'}`);
      break;
    case 'step-started':
      output.info(
        `step ${event.step} started (attempt ${event.attempt}, ${event.remoteSystem} ${event.remoteId})`,
      );
      break;
    case 'step-attached':
      output.info(`step ${event.step} attached to ${event.remoteSystem} ${event.remoteId}`);
      break;
    case 'step-retrying':
      output.info(`step ${event.step} retrying in ${event.delayMs}ms: ${event.error}`);
      break;
    case 'step-skipped':
      output.info(`step ${event.step} skipped: ${event.reason}`);
      break;
    case 'step-ended':
      output.info(`step ${event.step} ${event.outcome}${event.error ? `: ${event.error}` : ''}`);
      break;
    case 'run-ended':
      output.info(`run ${event.runId} ${event.outcome}`);
      break;
    default:
      output.debug(`pipeline event ${JSON.stringify(event)}`);
  }
}
