import type { WorkflowDescription } from '../../job/types.js';
import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { printJson, resultFormat } from '../print.js';
import { connectionOptions } from './shared.js';

/** `knimectl describe WORKFLOW`: inputs and outputs with examples, and a ready `run` command. */
export default async function describe({ args, options, output }: CommandContext): Promise<number> {
  const workflow = args[0]!;
  const format = resultFormat(options);
  const client = await connect(connectionOptions(options), output);

  let description: WorkflowDescription;
  try {
    description = await client.describeWorkflow(workflow);
  } catch (error) {
    throw toExitError(error);
  }

  if (format === 'json') printJson(description, output);
  else output.out(renderDescription(description));
  return 0;
}

/** Renders a description for people, ending with an example command line. */
export function renderDescription(description: WorkflowDescription): string {
  const lines = [`workflow ${description.workflow}`, ''];

  lines.push(description.inputs.length === 0 ? 'inputs: none' : 'inputs:');
  for (const input of description.inputs) {
    lines.push(
      `  ${input.name}${input.required ? ' (required)' : ''}${input.description ? ` - ${input.description}` : ''}`,
    );
    lines.push(`    example: ${JSON.stringify(input.example)}`);
  }
  for (const resource of description.inputResources) {
    lines.push(`  ${resource.name} (file${resource.contentType ? `, ${resource.contentType}` : ''})`);
  }

  lines.push('', description.outputs.length === 0 ? 'outputs: none' : 'outputs:');
  for (const outputParameter of description.outputs) {
    lines.push(
      `  ${outputParameter.name}${outputParameter.description ? ` - ${outputParameter.description}` : ''}`,
    );
    lines.push(`    example: ${JSON.stringify(outputParameter.example)}`);
  }
  for (const resource of description.outputResources) {
    lines.push(`  ${resource.name} (file${resource.contentType ? `, ${resource.contentType}` : ''})`);
  }

  const flags = [
    ...description.inputs.map(
      (input) => `--input ${input.name}=${shellQuote(JSON.stringify(input.example ?? null))}`,
    ),
    ...description.inputResources.map((resource) => `--file ${resource.name}=@PATH`),
  ];
  lines.push(
    '',
    'run it with:',
    `  knimectl run ${shellQuote(description.workflow)}${flags.map((flag) => ` ${flag}`).join('')}`,
  );
  return `${lines.join('\n')}\n`;
}

function shellQuote(text: string): string {
  return /^[\w./:@=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
