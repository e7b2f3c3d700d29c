import type { CommandContext } from '../context.js';
import { CliExitError, ExitCode } from '../exit.js';
import { printJson, resultFormat } from '../print.js';
import { table } from './jobs.js';
import { pipelineError } from './pipeline-run.js';

/** `knimectl pipeline runs|status|validate|graph`. */
export default async function pipelineQuery({
  args,
  options,
  output,
  command,
}: CommandContext): Promise<number> {
  const pipeline = await import('../../pipeline/index.js');
  const format = command.name() === 'graph' ? 'human' : resultFormat(options);
  const ledger = typeof options.ledger === 'string' ? { ledgerPath: options.ledger } : {};

  try {
    switch (command.name()) {
      case 'runs': {
        const limit = Number(options.limit ?? '50');
        const runs = pipeline.listRuns({
          ...ledger,
          limit,
          ...(typeof options.pipeline === 'string' ? { pipelineName: options.pipeline } : {}),
        });
        if (format === 'json') printJson(runs, output);
        else {
          const rows = runs.map((run) => [
            run.id,
            run.state,
            new Date(run.startedAt).toISOString(),
            run.pipelineName,
          ]);
          output.out(table(['RUN', 'STATE', 'STARTED', 'PIPELINE'], rows));
        }
        return 0;
      }
      case 'status': {
        const status = pipeline.runStatus(args[0]!, ledger);
        if (format === 'json') printJson(status, output);
        else {
          output.out(`run ${status.run.id} of ${status.run.pipelineName}: ${status.run.state}\n`);
          const rows = status.steps.map((step) => [step.name, step.state, String(step.attempts.length)]);
          output.out(table(['STEP', 'STATE', 'ATTEMPTS'], rows));
        }
        return 0;
      }
      case 'validate': {
        const result = await pipeline.validatePipeline(args[0]!);
        if (result.ok) {
          output.info(`${args[0]} is valid: ${result.pipeline?.steps.length ?? 0} steps`);
          return 0;
        }
        for (const issue of result.issues) output.error(pipeline.formatIssue(issue));
        return ExitCode.usage;
      }
      case 'graph': {
        const graphFormat = options.format === 'dot' ? 'dot' : 'mermaid';
        output.out(`${(await pipeline.pipelineGraph(args[0]!, graphFormat)).trimEnd()}\n`);
        return 0;
      }
      default:
        throw new CliExitError(ExitCode.usage, `unknown pipeline command ${command.name()}`);
    }
  } catch (error) {
    throw pipelineError(error, pipeline.exitCodeForError(error));
  }
}
