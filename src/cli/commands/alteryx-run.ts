import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type {
  AlteryxClient,
  AlteryxJobHandle,
  AlteryxPriority,
  AlteryxWorkflow,
} from '../../alteryx/index.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { resultFormat } from '../print.js';
import { InterruptGuard } from '../signals.js';
import type { Output } from '../terminal.js';
import { alteryxCannotCancel, alteryxDocument, collectAnswers, connectAlteryx } from './alteryx-job.js';
import { endWithError, printRemoteResult } from './alteryx-oozie-result.js';

const invalidAnswersHint =
  "compare the answers with the app's questions (GET v3/workflows/{id}/questions); a question without a default needs --answer NAME=VALUE";

/**
 * `knimectl alteryx run WORKFLOW`: queue a job of an Alteryx Server app, wait for it, print its
 * result and optionally download its outputs. Alteryx Server API V3 has no cancel call, so after a
 * timeout or a signal the job keeps running unless `--cancel-route` is given and the server accepts
 * `DELETE v3/jobs/{id}`; the message states which of the two happened.
 */
export default async function alteryxRun({ args, options, output }: CommandContext): Promise<number> {
  const workflowArgument = args[0]!;
  const format = resultFormat(options);
  const timeoutMs = optionalDuration(options.timeout, '--timeout');
  const queueTimeoutMs = optionalDuration(options.queueTimeout, '--queue-timeout');
  const pollMs = parseDuration(String(options.pollInterval ?? '1s'), '--poll-interval');
  const warningsAsErrors = options.warningsAsErrors === true;
  const answers = await collectAnswers(options);
  const client = await connectAlteryx(options, output);

  let workflow: AlteryxWorkflow;
  try {
    workflow = await client.findWorkflow(workflowArgument);
  } catch (error) {
    throw toExitError(error);
  }

  let jobId: string | undefined;
  const guard = new InterruptGuard(output, () =>
    jobId ? `the wait for Alteryx job ${jobId}` : `the queue request of ${workflow.name}`,
  );
  try {
    // The queue request gets no abort signal: a request cut off by Ctrl-C may still queue the job,
    // and its id would be lost. A signal during the request is handled right after it.
    let handle: AlteryxJobHandle;
    try {
      handle = await client.queueJob(workflow.id, {
        answers,
        ...(typeof options.priority === 'string' ? { priority: options.priority as AlteryxPriority } : {}),
        ...(typeof options.workerTag === 'string' ? { workerTag: options.workerTag } : {}),
        ...(typeof options.credentialId === 'string' ? { credentialId: options.credentialId } : {}),
      });
    } catch (error) {
      if (guard.received !== undefined) {
        output.error(`interrupted by ${guard.received} before the job was queued`);
        return guard.exitCode;
      }
      const exit = toExitError(error);
      if (exit.code === ExitCode.invalidInput)
        throw new CliExitError(exit.code, exit.message, invalidAnswersHint);
      throw exit;
    }
    jobId = handle.id;
    output.info(`queued Alteryx job ${handle.id} of workflow ${workflow.name} (${workflow.id})`);

    if (guard.received !== undefined) {
      const stopped = await stopJob(client, handle, options.cancelRoute === true, output);
      return endWithError(
        alteryxDocument(handle.lastKnown, workflow.name, warningsAsErrors),
        new CliExitError(guard.exitCode, `interrupted by ${guard.received}; ${stopped}`),
        format,
        output,
      );
    }

    try {
      const result = await handle.wait({
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(queueTimeoutMs !== undefined ? { queueTimeoutMs } : {}),
        signal: guard.signal,
        warningsAsErrors,
        poll: { initialMs: pollMs, maxMs: Math.max(pollMs, 30_000) },
        onStateChange: (job) =>
          output.info(`job ${job.id} ${job.status}${job.disposition ? ` (${job.disposition})` : ''}`),
      });
      const document = alteryxDocument(result.job, workflow.name, warningsAsErrors);
      for (const warning of result.warnings) output.warn(`tool ${warning.toolId}: ${warning.text}`);

      if (typeof options.outputDir === 'string') {
        document.files = await downloadOutputs(client, handle, options.outputDir, output);
      }
      printRemoteResult(document, format, output, true);
      return ExitCode.ok;
    } catch (error) {
      return await endAfterWaitError(error, {
        client,
        handle,
        workflow,
        guard,
        format,
        output,
        warningsAsErrors,
        cancelRoute: options.cancelRoute === true,
      });
    }
  } finally {
    guard.dispose();
  }
}

interface WaitContext {
  client: AlteryxClient;
  handle: AlteryxJobHandle;
  workflow: AlteryxWorkflow;
  guard: InterruptGuard;
  format: ReturnType<typeof resultFormat>;
  output: Output;
  warningsAsErrors: boolean;
  cancelRoute: boolean;
}

async function endAfterWaitError(error: unknown, context: WaitContext): Promise<number> {
  const { client, handle, workflow, guard, format, output } = context;
  const document = alteryxDocument(handle.lastKnown, workflow.name, context.warningsAsErrors);

  if (guard.received !== undefined) {
    const stopped = await stopJob(client, handle, context.cancelRoute, output);
    return endWithError(
      document,
      new CliExitError(guard.exitCode, `interrupted by ${guard.received}; ${stopped}`),
      format,
      output,
    );
  }

  const code = (error as { code?: unknown }).code;
  const clock = (error as { clock?: unknown }).clock;
  if (code === 'timeout' && clock !== 'request') {
    const limitMs = (error as { limitMs?: number }).limitMs;
    const flag = clock === 'load' ? '--queue-timeout' : '--timeout';
    const stopped = await stopJob(client, handle, context.cancelRoute, output);
    return endWithError(
      document,
      new CliExitError(
        ExitCode.timeout,
        `Alteryx job ${handle.id} is still ${handle.lastKnown.status} after ${limitMs ?? '?'} ms (${flag}); ${stopped}`,
        `raise ${flag} if the job needs longer; follow it with \`knimectl alteryx status ${handle.id}\``,
      ),
      format,
      output,
    );
  }

  if (code === 'job-failed') {
    const failure = error as {
      nodeMessages?: readonly { node: string; messageType: string; message: string }[];
    };
    document.failedNodes = [...(failure.nodeMessages ?? [])];
    return endWithError(
      document,
      new CliExitError(
        ExitCode.jobFailed,
        (error as Error).message,
        `inspect it with \`knimectl alteryx status ${handle.id}\``,
      ),
      format,
      output,
    );
  }

  return endWithError(document, toExitError(error), format, output);
}

/**
 * Stops following a job and returns what happened to it, as a clause for the error message. Only
 * with `--cancel-route` is a cancel request sent; otherwise the job keeps running and the clause
 * says so.
 */
async function stopJob(
  client: AlteryxClient,
  handle: AlteryxJobHandle,
  cancelRoute: boolean,
  output: Output,
): Promise<string> {
  if (!cancelRoute) return alteryxCannotCancel;
  try {
    await client.cancelJob(handle.id);
    output.info(`cancel request for Alteryx job ${handle.id} accepted`);
    return `job ${handle.id} was cancelled through DELETE v3/jobs/${handle.id}`;
  } catch (error) {
    return `the cancel request failed (${(error as Error).message}); the job may still run on the server`;
  }
}

async function downloadOutputs(
  client: AlteryxClient,
  handle: AlteryxJobHandle,
  outputDir: string,
  output: Output,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  await mkdir(outputDir, { recursive: true });
  for (const item of handle.lastKnown.outputs) {
    // Only the base name is used, so a file name with folders cannot write outside --output-dir.
    const name = path.basename(item.fileName.replaceAll('\\', '/')) || item.id;
    try {
      const saved = await client.saveOutput(handle.id, item, path.join(outputDir, name));
      files[item.fileName] = saved.path;
      output.info(`wrote ${saved.path} (${saved.bytes} bytes, ${saved.format})`);
    } catch (error) {
      throw toExitError(error);
    }
  }
  return files;
}

function optionalDuration(value: unknown, flag: string): number | undefined {
  return typeof value === 'string' ? parseDuration(value, flag) : undefined;
}
