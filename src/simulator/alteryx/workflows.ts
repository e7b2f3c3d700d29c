import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * What a simulated job does once a worker takes it:
 * - `success`, `warning`: `Completed` with disposition Success or Warning;
 * - `error`: ends with status `Error` (the status some clients list) and an error message;
 * - `completed-with-error`: `Completed` with disposition Error and an error message;
 * - `stuck-queued`: stays `Queued` forever; `never-finishes`: stays `Running` forever;
 * - `cancelled-by-admin`: ends `Cancelled`, as when an administrator stops it in the admin UI.
 */
export const scenarioSchema = z.enum([
  'success',
  'warning',
  'error',
  'completed-with-error',
  'stuck-queued',
  'never-finishes',
  'cancelled-by-admin',
]);
export type SimScenario = z.infer<typeof scenarioSchema>;

const questionItemSchema = z.strictObject({ key: z.string(), value: z.string() });

/** An app question as `GET v3/workflows/{id}/questions` returns it. */
export const simQuestionSchema = z.strictObject({
  name: z.string().min(1),
  questionType: z.string().default('QuestionTextBox'),
  description: z.string().default(''),
  /** Default answer; an empty string means the question has no default. */
  value: z.string().default(''),
  multiple: z.boolean().default(false),
  items: z.array(questionItemSchema).default([]),
});
export type SimQuestion = z.infer<typeof simQuestionSchema>;

/** An output tool of a workflow: one entry of a job's `outputs[]` and its file content. */
export const simOutputSchema = z.strictObject({
  fileName: z.string().min(1),
  availableFormats: z.array(z.string()).min(1).default(['Csv']),
  /** Content served for every format. A leading U+FEFF is kept, as a real file would keep it. */
  content: z.string().default(''),
});
export type SimOutput = z.infer<typeof simOutputSchema>;

const hexId = z.string().regex(/^[0-9a-f]{24}$/, 'must be 24 lowercase hex characters');

/** A published workflow of the simulated server. */
export const simWorkflowSchema = z.strictObject({
  id: hexId,
  name: z.string().min(1),
  ownerId: hexId.default('653f00aa11bb22cc33dd44ee'),
  /** `App` workflows have questions; `Module` is a standard workflow, `Macro` a macro. */
  packageWorkflowType: z.enum(['App', 'Module', 'Macro']).default('App'),
  dateCreated: z.string().default('2024-04-30T09:12:44.120Z'),
  publishedVersionNumber: z.number().int().min(1).default(1),
  isAmp: z.boolean().default(false),
  executionMode: z.enum(['Safe', 'SemiSafe', 'Standard']).default('Standard'),
  workerTag: z.string().default(''),
  runDisabled: z.boolean().default(false),
  workflowCredentialType: z.enum(['Default', 'Required', 'Specific']).default('Default'),
  comments: z.string().default(''),
  questions: z.array(simQuestionSchema).default([]),
  outputs: z.array(simOutputSchema).default([]),
  scenario: scenarioSchema.default('success'),
  /** Message text of the failing tool for the `error` and `completed-with-error` scenarios. */
  errorMessage: z.string().default('Input Data (1): file not found'),
  /** Run time of this workflow's jobs in milliseconds; the simulator's `runMs` when left out. */
  runMs: z.number().min(0).optional(),
});
export type SimWorkflow = z.output<typeof simWorkflowSchema>;
export type SimWorkflowInput = z.input<typeof simWorkflowSchema>;

/** File format of `--workflows` files: `{ workflows: [...] }` in JSON or YAML. */
export const simWorkflowFileSchema = z.strictObject({ workflows: z.array(simWorkflowSchema) });

/** Fills in the defaults of workflow definitions and rejects duplicate ids. */
export function defineAlteryxWorkflows(inputs: SimWorkflowInput[]): SimWorkflow[] {
  const workflows = inputs.map((input) => simWorkflowSchema.parse(input));
  const seen = new Set<string>();
  for (const workflow of workflows) {
    if (seen.has(workflow.id)) throw new Error(`workflow id ${workflow.id} is defined twice`);
    seen.add(workflow.id);
  }
  return workflows;
}

/**
 * Reads a workflow set from a JSON or YAML file (`{ workflows: [...] }`). Errors name the file and
 * the path of the invalid field.
 */
export async function loadAlteryxWorkflowsFile(path: string): Promise<SimWorkflow[]> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON or YAML: ${(error as Error).message}`);
  }

  const result = simWorkflowFileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`${path}: invalid workflow set: ${issues.join('; ')}`);
  }
  return defineAlteryxWorkflows(result.data.workflows);
}

/**
 * A small published set: a sales report app with a drop-down, a date and a multi-select question,
 * an app with no questions that fails as `Completed` + `Error`, a standard workflow, and a workflow
 * that needs a stored credential. Ids are fixed so that tests and demos can name them.
 */
export function defaultAlteryxWorkflows(): SimWorkflow[] {
  return defineAlteryxWorkflows([
    {
      id: '6540f2a1b3c4d5e6f7a8b9c0',
      name: 'Monthly Sales App',
      isAmp: true,
      publishedVersionNumber: 3,
      questions: [
        {
          name: 'Region',
          questionType: 'QuestionDropDown',
          description: 'Sales region',
          value: 'EMEA',
          items: [
            { key: 'EMEA', value: 'Europe, Middle East and Africa' },
            { key: 'AMER', value: 'Americas' },
            { key: 'APAC', value: 'Asia Pacific' },
          ],
        },
        { name: 'StartDate', questionType: 'QuestionDate', description: 'First day of the month' },
        {
          name: 'Channels',
          questionType: 'QuestionListBox',
          description: 'Sales channels to include',
          value: 'Retail',
          multiple: true,
          items: [
            { key: 'Retail', value: 'Retail stores' },
            { key: 'Online', value: 'Web shop' },
            { key: 'Partner', value: 'Partner sales' },
          ],
        },
      ],
      outputs: [
        {
          fileName: 'sales_summary.csv',
          availableFormats: ['Csv', 'Xlsx', 'Yxdb'],
          content: '\uFEFFregion,revenue\nEMEA,1200.50\n',
        },
        { fileName: 'sales_report.pdf', availableFormats: ['Pdf'], content: '%PDF-1.4 simulated report\n' },
      ],
    },
    {
      id: '6540f2a1b3c4d5e6f7a8b9c1',
      name: 'Inventory Refresh',
      scenario: 'completed-with-error',
      errorMessage: 'Input Data (1): file not found: inventory_2024_05.csv',
    },
    {
      id: '6540f2a1b3c4d5e6f7a8b9c2',
      name: 'Nightly Cleanup',
      packageWorkflowType: 'Module',
      outputs: [
        {
          fileName: 'cleanup_log.csv',
          availableFormats: ['Csv'],
          content: 'table,rows_deleted\nstaging,42\n',
        },
      ],
    },
    {
      id: '6540f2a1b3c4d5e6f7a8b9c3',
      name: 'Finance Ledger Export',
      workflowCredentialType: 'Required',
      questions: [{ name: 'FiscalYear', questionType: 'QuestionNumericUpDown', description: 'Fiscal year' }],
      scenario: 'warning',
    },
  ]);
}
