import type { OozieClient, OozieJob, SubmittedWorkflow } from '../../oozie/index.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { resultFormat } from '../print.js';
import { InterruptGuard } from '../signals.js';
import { endWithError, printRemoteResult, type RemoteJobDocument } from './alteryx-oozie-result.js';
import { collectProperties, connectOozie, oozieDocument } from './oozie-job.js';

const invalidSubmitHint =
  'check the application path (E0505: unknown application) and the properties its workflow.xml needs (E0401: missing property; pass them with --property NAME=VALUE)';

/**
 * `knimectl oozie run APP_PATH`: submit and start an Oozie workflow job, wait for it and print its
 * result. The job carries an external id (`--external-id`, or a random one), so a submit whose
 * response was lost is found instead of being sent twice, and running the command again with the
 * same `--external-id` adopts the job. A timeout or a signal kills the job.
 */
export default async function oozieRun({ args, options, output }: CommandContext): Promise<number> {
  const appPath = args[0]!;
  const format = resultFormat(options);
  const timeoutMs =
    typeof options.timeout === 'string' ? parseDuration(options.timeout, '--timeout') : undefined;
  const pollMs = parseDuration(String(options.pollInterval ?? '1s'), '--poll-interval');
  const onSuspended = (options.onSuspended ?? 'fail') as 'fail' | 'wait' | 'resume';
  const properties = await collectProperties(options);
  const client = await connectOozie(options, output);

  let jobId: string | undefined;
  const guard = new InterruptGuard(output, () => (jobId ? `Oozie job ${jobId}` : `the submit of ${appPath}`));
  try {
    // The submit gets no abort signal: a request cut off by Ctrl-C may still create the job. An
    // aborted signal makes the wait below kill the job at once.
    let submitted: SubmittedWorkflow;
    try {
      submitted = await client.submitWorkflow({
        appPath,
        properties,
        ...(typeof options.externalId === 'string' ? { externalId: options.externalId } : {}),
      });
    } catch (error) {
      if (guard.received !== undefined) {
        output.error(`interrupted by ${guard.received} before the job was submitted`);
        return guard.exitCode;
      }
      const exit = toExitError(error);
      if (exit.code === ExitCode.invalidInput) {
        throw new CliExitError(exit.code, exit.message, invalidSubmitHint, { cause: error });
      }
      throw exit;
    }
    jobId = submitted.id;
    output.info(
      `${submitted.adopted ? 'adopted existing' : 'submitted'} Oozie job ${submitted.id} (external id ${submitted.externalId})`,
    );

    try {
      const job = await client.waitForJob(submitted.id, {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        signal: guard.signal,
        minPollMs: pollMs,
        maxPollMs: Math.max(pollMs, 30_000),
        onSuspended,
        submittedAt: submitted.submittedAt,
        onProgress: (progress) => output.info(`job ${progress.id} ${progress.status}`),
      });
      printRemoteResult(oozieDocument(job, false), format, output, true);
      return ExitCode.ok;
    } catch (error) {
      const document = await documentAfterError(client, submitted.id, appPath);
      return endWithError(document, exitErrorFor(error, guard, submitted.id, document), format, output);
    }
  } finally {
    guard.dispose();
  }
}

function exitErrorFor(
  error: unknown,
  guard: InterruptGuard,
  jobId: string,
  document: RemoteJobDocument,
): CliExitError {
  const message = (error as Error).message;
  if (guard.received !== undefined) {
    return new CliExitError(guard.exitCode, `interrupted by ${guard.received}; ${message}`);
  }

  const code = (error as { code?: unknown }).code;
  if (code === 'timeout' && (error as { clock?: unknown }).clock !== 'request') {
    return new CliExitError(
      ExitCode.timeout,
      message,
      'raise --timeout if the job needs longer, then run the command again',
    );
  }

  // A job KILLED with no failing action and no kill node went through no error path, so someone
  // killed it (oozie job -kill) rather than the workflow failing.
  if (code === 'job-failed' && document.state === 'KILLED' && document.failedNodes.length === 0) {
    const killNode = (error as { killMessage?: string }).killMessage;
    if (killNode === undefined) {
      return new CliExitError(
        ExitCode.cancelled,
        `Oozie job ${jobId} was killed outside knimectl`,
        `the job log shows who killed it: \`oozie job -log ${jobId}\``,
      );
    }
  }
  if (code === 'job-failed') {
    return new CliExitError(
      ExitCode.jobFailed,
      message,
      `inspect it with \`knimectl oozie status ${jobId}\` or the job log (oozie job -log ${jobId})`,
    );
  }
  return toExitError(error);
}

async function documentAfterError(
  client: OozieClient,
  jobId: string,
  appPath: string,
): Promise<RemoteJobDocument> {
  let job: OozieJob | undefined;
  try {
    job = await client.getJob(jobId);
  } catch {
    job = undefined;
  }
  if (job !== undefined) return oozieDocument(job, client.killRequested.has(jobId));
  return {
    jobId,
    workflow: appPath,
    state: 'UNKNOWN',
    outcome: 'unknown',
    outputs: {},
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    failedNodes: [],
  };
}
