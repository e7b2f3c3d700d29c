/**
 * Generates demo/workspace/: the workflows the simulators serve in demos and CLI tests, written
 * in KNIME's on-disk format with a `knimectl-simulation.json` run-behaviour file beside each
 * `workflow.knime`. The output is committed; rerun after changing this file:
 *
 *   npx tsx scripts/generate-demo-workspace.ts
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ContainerTable,
  containerFileInput,
  containerFileOutput,
  containerJsonInput,
  containerJsonOutput,
  containerTableInput,
  containerTableOutput,
  containerVariableInput,
  legacyIntegerInput,
  plainNode,
} from '../src/simulator/workspace/knime-node-presets.js';
import {
  booleanEntry,
  type Connection,
  intEntry,
  stringEntry,
  type WorkflowSpec,
  writeWorkflow,
} from '../src/simulator/workspace/knime-writer.js';

const target = fileURLToPath(new URL('../demo/workspace', import.meta.url));

const BASE = 'org.knime.base.node';
const JSON_NODES = 'org.knime.json.node';

const nodes = {
  jsonToTable: () => plainNode(`${JSON_NODES}.totable.JSONToTableNodeFactory`, 'JSON to Table'),
  tableToJson: () => plainNode(`${JSON_NODES}.fromtable.TableToJsonNodeFactory`, 'Table to JSON'),
  stringManipulation: (expression: string) =>
    plainNode(`${BASE}.preproc.stringmanipulation.StringManipulationNodeFactory`, 'String Manipulation', [
      stringEntry('expression', expression),
      stringEntry('replaced_column', 'greeting'),
      booleanEntry('append_column', true),
    ]),
  rowFilter: () => plainNode(`${BASE}.preproc.filter.row3.RowFilterNodeFactory`, 'Row Filter'),
  groupBy: () => plainNode(`${BASE}.preproc.groupby.GroupByNodeFactory`, 'GroupBy'),
  csvWriter: () =>
    plainNode('org.knime.base.node.io.filehandling.csv.writer.CSVWriter2NodeFactory', 'CSV Writer'),
  csvReader: () =>
    plainNode('org.knime.base.node.io.filehandling.csv.reader.CSVTableReaderNodeFactory', 'CSV Reader'),
  columnFilter: () =>
    plainNode(`${BASE}.preproc.filter.column.DataColumnSpecFilterNodeFactory`, 'Column Filter'),
  ruleEngine: () => plainNode(`${BASE}.rules.engine.RuleEngineNodeFactory`, 'Rule Engine'),
  wait: (seconds: number) =>
    plainNode(`${BASE}.flowcontrol.sleep.SleepNodeFactory`, 'Wait...', [
      intEntry('selection', 0),
      intEntry('wait_seconds', seconds),
    ]),
  variableToRow: () =>
    plainNode(
      `${BASE}.flowvariable.variabletotablerow4.VariableToTable4NodeFactory`,
      'Variable to Table Row',
    ),
};

function chain(...ids: number[]): Connection[] {
  return ids
    .slice(1)
    .map((dest, index) => ({ source: ids[index] as number, sourcePort: 1, dest, destPort: 1 }));
}

interface DemoWorkflow {
  readonly path: string;
  readonly spec: WorkflowSpec;
  /** Content of `knimectl-simulation.json`; omitted when the defaults fit. */
  readonly simulation?: Record<string, unknown>;
}

const SALES_TABLE: ContainerTable = {
  'table-spec': [
    { region: 'string' },
    { product: 'string' },
    { amount: 'double' },
    { 'order-date': 'localdate' },
  ],
  'table-data': [
    ['EMEA', 'Sensors', 1250.5, '2026-01-14'],
    ['EMEA', 'Gateways', 880.0, '2026-02-03'],
    ['APAC', 'Sensors', 410.25, '2026-02-19'],
  ],
};

const SUMMARY_TABLE: ContainerTable = {
  'table-spec': [{ region: 'string' }, { orders: 'int' }, { total: 'double' }],
  'table-data': [['EMEA', 2, 2130.5]],
};

const workflows: DemoWorkflow[] = [
  {
    path: 'Demo/Hello World',
    spec: {
      description:
        'Greets the name it is given. The smallest REST workflow: one JSON input, one JSON output.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({
            parameterName: 'name',
            example: 'World',
            description: 'Name to greet, as a JSON string.',
          }),
        },
        { id: 2, settings: nodes.jsonToTable() },
        { id: 3, settings: nodes.stringManipulation('join("Hello, ", $name$, "!")') },
        { id: 4, settings: nodes.tableToJson() },
        {
          id: 5,
          settings: containerJsonOutput({
            parameterName: 'greeting',
            example: 'Hello, World!',
            description: 'The greeting.',
          }),
        },
      ],
      connections: chain(1, 2, 3, 4, 5),
    },
    simulation: {
      loadMs: 50,
      durationMs: 200,
      outcome: 'success',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sidecar's own substitution syntax, not a JS template
      outputs: { greeting: { template: 'Hello, ${input:name}!' } },
    },
  },
  {
    path: 'Demo/Sales Report',
    spec: {
      description: 'Sums the sales of one region and writes the summary as a table and as a CSV report.',
      nodes: [
        {
          id: 1,
          settings: containerTableInput({
            parameterName: 'sales',
            table: SALES_TABLE,
            description: 'Orders: region, product, amount and order date.',
          }),
        },
        {
          id: 2,
          settings: containerVariableInput({
            parameterName: 'region',
            simpleJson: true,
            variables: [{ name: 'region', type: 'str', value: 'EMEA' }],
            description: 'Region to report on, such as "EMEA".',
          }),
        },
        { id: 3, settings: nodes.rowFilter() },
        { id: 4, settings: nodes.groupBy() },
        {
          id: 5,
          settings: containerTableOutput({
            parameterName: 'summary',
            table: SUMMARY_TABLE,
            description: 'Orders and total amount of the region.',
          }),
        },
        { id: 6, settings: nodes.csvWriter() },
        {
          id: 7,
          settings: containerFileOutput({
            parameterName: 'report',
            description: 'The summary as a CSV file.',
          }),
        },
      ],
      connections: [
        ...chain(1, 3, 4, 5),
        { source: 2, sourcePort: 0, dest: 3, destPort: 0 },
        ...chain(4, 6, 7),
      ],
    },
    simulation: {
      loadMs: 100,
      durationMs: 3000,
      outcome: 'success',
      outputs: { summary: { example: true } },
      outputResources: {
        report: { contentType: 'text/csv', text: 'region,orders,total\nEMEA,2,2130.5\n' },
      },
    },
  },
  {
    path: 'Demo/Failing Workflow',
    spec: {
      description:
        'Scores a customer with a rule that refers to a column the input does not have, so it always fails.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({
            parameterName: 'customer',
            example: { 'customer-id': 'C-1042', segment: 'retail' },
            description: 'Customer record.',
          }),
        },
        { id: 2, settings: nodes.jsonToTable() },
        { id: 3, settings: nodes.columnFilter() },
        { id: 4, settings: nodes.ruleEngine() },
        { id: 5, settings: nodes.tableToJson() },
        {
          id: 6,
          settings: containerJsonOutput({
            parameterName: 'score',
            example: { 'customer-id': 'C-1042', churn: 0.12 },
          }),
        },
      ],
      connections: chain(1, 2, 3, 4, 5, 6),
    },
    simulation: {
      loadMs: 50,
      durationMs: 800,
      outcome: 'failure',
      failure: {
        node: 'Rule Engine 0:4',
        message: 'Execute failed: Column "churn_probability" not found in the input table',
      },
    },
  },
  {
    path: 'Demo/Slow Job',
    spec: {
      description: 'Waits ten minutes before it answers; use it to try cancel and timeouts.',
      nodes: [
        { id: 1, settings: containerJsonInput({ parameterName: 'batch', example: { 'batch-id': 7 } }) },
        { id: 2, settings: nodes.wait(600) },
        { id: 3, settings: containerJsonOutput({ parameterName: 'status', example: { done: true } }) },
      ],
      connections: chain(1, 2, 3),
    },
    simulation: { loadMs: 50, durationMs: 600000, outcome: 'success' },
  },
  {
    path: 'Demo/No Outputs',
    spec: {
      description:
        'Takes a message and a dry-run flag and has no output nodes, so a job of it has no outputValues.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({ parameterName: 'message', example: { text: 'Nightly load done' } }),
        },
        {
          id: 2,
          settings: containerVariableInput({
            parameterName: 'dry-run',
            simpleJson: true,
            variables: [{ name: 'dry-run', type: 'bool', value: 'false' }],
          }),
        },
        { id: 3, settings: nodes.variableToRow() },
      ],
      connections: [{ source: 2, sourcePort: 0, dest: 3, destPort: 0 }],
    },
    simulation: { loadMs: 50, durationMs: 300, outcome: 'success' },
  },
  {
    path: 'Demo/Duplicate Names',
    spec: {
      description: 'Two inputs share the name "date", so KNIME publishes both as date-<node id>.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({
            parameterName: 'date',
            example: '2026-01-01',
            description: 'First day.',
          }),
        },
        {
          id: 2,
          settings: containerJsonInput({
            parameterName: 'date',
            example: '2026-01-31',
            description: 'Last day.',
          }),
        },
        { id: 3, settings: nodes.jsonToTable() },
        { id: 4, settings: containerJsonOutput({ parameterName: 'days', example: 31 }) },
      ],
      connections: chain(1, 3, 4),
    },
    simulation: { loadMs: 50, durationMs: 200, outcome: 'success', outputs: { days: { value: 31 } } },
  },
  {
    path: 'Demo/File Convert',
    spec: {
      description: 'Reads the first lines of an uploaded file and returns the file again.',
      nodes: [
        {
          id: 1,
          settings: containerFileInput({ parameterName: 'file-upload', description: 'The file to convert.' }),
        },
        { id: 2, settings: nodes.csvReader() },
        {
          id: 3,
          settings: legacyIntegerInput({
            parameterName: 'line-count',
            value: 10,
            label: 'Lines',
            description: 'How many lines to read.',
          }),
        },
        {
          id: 4,
          settings: containerFileOutput({ parameterName: 'converted', description: 'The converted file.' }),
        },
      ],
      connections: [...chain(1, 2, 4), { source: 3, sourcePort: 0, dest: 2, destPort: 0 }],
    },
    simulation: {
      loadMs: 50,
      durationMs: 500,
      outcome: 'success',
      outputResources: { converted: { fromInput: 'file-upload' } },
    },
  },
  {
    path: 'Demo/With Component',
    spec: {
      description: 'Scores a customer inside a component; the component holds its own threshold input.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({
            parameterName: 'customer',
            example: { 'customer-id': 'C-7', spend: 1200 },
          }),
        },
        {
          id: 5,
          type: 'component',
          name: 'Score Customer',
          nodes: [
            {
              id: 3,
              settings: containerJsonInput({
                parameterName: 'threshold',
                example: 0.5,
                useFullyQualifiedName: true,
                description: 'Score above which a customer counts as at risk.',
              }),
            },
            { id: 4, settings: nodes.ruleEngine() },
          ],
          connections: chain(3, 4),
        },
        {
          id: 6,
          settings: containerJsonOutput({
            parameterName: 'score',
            example: { 'at-risk': false, score: 0.31 },
          }),
        },
      ],
      connections: chain(1, 5, 6),
    },
    simulation: { loadMs: 80, durationMs: 400, outcome: 'success', outputs: { score: { example: true } } },
  },
  {
    path: 'Team A/Q1 Sales & Costs #2',
    spec: {
      description: 'Quarterly costs; its name has spaces, "&" and "#" to test path encoding.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({ parameterName: 'quarter', example: { quarter: 'Q1', year: 2026 } }),
        },
        { id: 2, settings: nodes.jsonToTable() },
        {
          id: 3,
          settings: containerJsonOutput({
            parameterName: 'costs',
            example: { quarter: 'Q1', total: 48210.75 },
          }),
        },
      ],
      connections: chain(1, 2, 3),
    },
    simulation: {
      loadMs: 50,
      durationMs: 250,
      outcome: 'success',
      outputs: { costs: { fromInput: 'quarter' } },
    },
  },
  {
    path: 'Team A/Prüfung 100% fertig',
    spec: {
      description: 'A checklist workflow whose name has "%" and non-ASCII letters.',
      nodes: [
        {
          id: 1,
          settings: containerJsonInput({
            parameterName: 'checklist',
            example: { items: ['Daten', 'Bericht'], done: 2 },
          }),
        },
        { id: 2, settings: containerJsonOutput({ parameterName: 'status', example: { complete: true } }) },
      ],
      connections: chain(1, 2),
    },
    simulation: {
      loadMs: 50,
      durationMs: 150,
      outcome: 'success',
      outputs: { status: { value: { complete: true } } },
    },
  },
];

/** Plain files that show up as data items next to the workflows. */
const dataFiles: Record<string, string> = {
  'Demo/regions.csv': 'region,manager\nEMEA,Dana Weber\nAPAC,Kenji Sato\nAMER,Maria Lopez\n',
};

await rm(target, { recursive: true, force: true });
for (const workflow of workflows) {
  const extra: Record<string, string> = workflow.simulation
    ? { 'knimectl-simulation.json': `${JSON.stringify(workflow.simulation, null, 2)}\n` }
    : {};
  await writeWorkflow(join(target, ...workflow.path.split('/')), workflow.spec, extra);
}
for (const [path, content] of Object.entries(dataFiles)) {
  const file = join(target, ...path.split('/'));
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, content, 'utf8');
}
process.stderr.write(`wrote ${workflows.length} workflows to ${target}\n`);
