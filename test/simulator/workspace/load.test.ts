import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEM_ID_LENGTH, itemIdForPath } from '../../../src/simulator/workspace/ids.js';
import {
  containerFileInput,
  containerFileOutput,
  containerJsonInput,
  containerJsonOutput,
  containerTableInput,
  containerVariableInput,
  legacyIntegerInput,
  plainNode,
} from '../../../src/simulator/workspace/knime-node-presets.js';
import {
  booleanEntry,
  config,
  entry,
  stringEntry,
  type WorkflowSpec,
  writeWorkflow,
} from '../../../src/simulator/workspace/knime-writer.js';
import { loadWorkspace, WorkspaceLoadError } from '../../../src/simulator/workspace/load.js';
import type { WorkflowModel, Workspace } from '../../../src/simulator/workspace/model.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'knimectl-workspace-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let workspaceCount = 0;

/** Creates a fresh workspace folder and fills it with `files` (paths use `/`). */
async function workspaceWith(
  workflows: Readonly<Record<string, WorkflowSpec>>,
  files: Readonly<Record<string, string>> = {},
): Promise<{ dir: string; workspace: Workspace }> {
  workspaceCount++;
  const dir = join(scratch, `ws-${workspaceCount}`);
  await mkdir(dir, { recursive: true });
  for (const [path, spec] of Object.entries(workflows)) {
    await writeWorkflow(join(dir, ...path.split('/')), spec);
  }
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, ...path.split('/'));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, content);
  }
  return { dir, workspace: await loadWorkspace(dir) };
}

function workflowAt(workspace: Workspace, path: string): WorkflowModel {
  const found = workspace.find(path)?.workflow;
  if (!found) throw new Error(`no workflow at ${path}`);
  return found;
}

const jsonInput = (id: number, parameterName: string, example: unknown = {}) => ({
  id,
  settings: containerJsonInput({ parameterName, example }),
});

describe('repository tree', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    ({ workspace } = await workspaceWith(
      {
        'Sales/Report': { nodes: [jsonInput(1, 'region')] },
        'Sales/Archive/Old': { nodes: [] },
        Top: { nodes: [] },
      },
      {
        'Sales/notes.txt': 'not a workflow',
        'Sales/.hidden': 'skipped',
        'Sales/.artifacts/x.json': '{}',
        'Sales/workflowset.meta': '<KNIMEMetaInfo/>',
        'Sales/Report/knimectl-simulation.json': '{"durationMs": 10}',
        'Shared/Scorer/template.knime': '<config key="template.knime"/>',
        'Shared/Scorer/Scorer (#1)/settings.xml': '<config key="settings.xml"/>',
        'Empty/.keep': '',
      },
    ));
  });

  it('lists groups, workflows and data items sorted by name', () => {
    expect(workspace.rootItem.children.map((item) => [item.name, item.type])).toEqual([
      ['Empty', 'WorkflowGroup'],
      ['Sales', 'WorkflowGroup'],
      ['Shared', 'WorkflowGroup'],
      ['Top', 'Workflow'],
    ]);
    expect(workspace.find('/Sales')?.children.map((item) => [item.name, item.type])).toEqual([
      ['Archive', 'WorkflowGroup'],
      ['Report', 'Workflow'],
      ['notes.txt', 'Data'],
    ]);
  });

  it('does not list node folders or files inside a workflow', () => {
    const report = workspace.find('/Sales/Report');

    expect(report?.children).toEqual([]);
    expect(workspace.find('/Sales/Report/Container Input _JSON_ (#1)')).toBeUndefined();
  });

  it('shows a component template as one data item', () => {
    expect(workspace.find('/Shared/Scorer')).toMatchObject({ type: 'Data', children: [] });
  });

  it('skips dot files and workflowset.meta', () => {
    expect(workspace.find('/Sales/.hidden')).toBeUndefined();
    expect(workspace.find('/Sales/.artifacts')).toBeUndefined();
    expect(workspace.find('/Sales/workflowset.meta')).toBeUndefined();
    expect(workspace.find('/Empty')?.children).toEqual([]);
  });

  it('finds items by path with or without slashes', () => {
    expect(workspace.find('/Sales/Report')?.type).toBe('Workflow');
    expect(workspace.find('Sales/Report/')?.path).toBe('/Sales/Report');
    expect(workspace.find('')).toBe(workspace.rootItem);
    expect(workspace.find('/')).toBe(workspace.rootItem);
    expect(workspace.find('/Sales/Missing')).toBeUndefined();
  });

  it('gives the root an empty name and the path /', () => {
    expect(workspace.rootItem).toMatchObject({ path: '/', name: '', type: 'WorkflowGroup' });
  });

  it('derives stable, distinct ids from paths', () => {
    const report = workspace.find('/Sales/Report');

    expect(report?.id).toBe(itemIdForPath('/Sales/Report'));
    expect(report?.id).toMatch(new RegExp(`^[0-9A-Za-z]{${ITEM_ID_LENGTH}}$`));
    expect(workspace.findById(report?.id ?? '')).toBe(report);
    expect(workspace.findById(`*${report?.id}`)).toBe(report);
    expect(new Set(workspace.workflows().map((workflow) => itemIdForPath(workflow.path))).size).toBe(3);
  });

  it('lists workflows in path order', () => {
    expect(workspace.workflows().map((workflow) => workflow.path)).toEqual([
      '/Sales/Archive/Old',
      '/Sales/Report',
      '/Top',
    ]);
  });

  it('attaches the parsed sidecar', () => {
    expect(workflowAt(workspace, '/Sales/Report').simulation).toEqual({ durationMs: 10 });
    expect(workflowAt(workspace, '/Top').simulation).toBeUndefined();
  });
});

describe('symbolic links', () => {
  it('shows a link back to an enclosing folder as an empty group', async () => {
    const dir = join(scratch, 'with-cycle');
    await writeWorkflow(join(dir, 'Group', 'Flow'), { nodes: [] });
    await symlink(join(dir, 'Group'), join(dir, 'Group', 'Loop'));
    const workspace = await loadWorkspace(dir);

    expect(workspace.find('/Group/Loop')).toMatchObject({ type: 'WorkflowGroup', children: [] });
    expect(workspace.warnings).toEqual([
      expect.stringMatching(/^\/Group\/Loop: .*repeats an enclosing folder/),
    ]);
    expect(workspace.workflows().map((workflow) => workflow.path)).toEqual(['/Group/Flow']);
  });
});

describe('loadWorkspace errors', () => {
  it('rejects a missing folder', async () => {
    await expect(loadWorkspace(join(scratch, 'does-not-exist'))).rejects.toThrow(WorkspaceLoadError);
  });

  it('rejects a workflow folder given as workspace', async () => {
    const dir = join(scratch, 'single-workflow');
    await writeWorkflow(dir, { nodes: [] });

    await expect(loadWorkspace(dir)).rejects.toThrow(/is a workflow folder/);
  });

  it('rejects a file', async () => {
    const file = join(scratch, 'plain-file.txt');
    await writeFile(file, 'x');

    await expect(loadWorkspace(file)).rejects.toThrow(/is not a folder/);
  });
});

describe('node tree', () => {
  let model: WorkflowModel;

  beforeAll(async () => {
    const { workspace } = await workspaceWith({
      Nested: {
        nodes: [
          jsonInput(1, 'top'),
          {
            id: 4,
            type: 'component',
            name: 'Prepare',
            nodes: [
              jsonInput(2, 'in-component'),
              { id: 3, type: 'component', name: 'Inner', nodes: [jsonInput(1, 'deep')] },
            ],
          },
          { id: 6, type: 'metanode', name: 'Group', nodes: [jsonInput(1, 'in-metanode')] },
          {
            id: 9,
            settings: plainNode(
              'org.knime.base.node.preproc.filter.column.DataColumnSpecFilterNodeFactory',
              'Column Filter',
            ),
          },
        ],
      },
    });
    model = workflowAt(workspace, '/Nested');
  });

  it('gives nested inputs their node id paths without component :0 segments', () => {
    expect(model.inputs.map((input) => [input.shortName, input.nodeIdPath])).toEqual([
      ['top', '1'],
      ['in-component', '4:2'],
      ['deep', '4:3:1'],
      ['in-metanode', '6:1'],
    ]);
  });

  it('ignores nodes that are not REST parameters', () => {
    expect(model.inputs).toHaveLength(4);
    expect(model.outputs).toEqual([]);
    expect(model.warnings).toEqual([]);
  });

  it('publishes an empty output fragment when there are no output nodes', () => {
    expect(model.openapi.outputParameters).toEqual({});
    expect(model.openapi.outputResources).toEqual({});
  });
});

describe('parameter names', () => {
  let model: WorkflowModel;

  beforeAll(async () => {
    const { workspace } = await workspaceWith({
      Names: {
        nodes: [
          jsonInput(1, 'region', 'EMEA'),
          jsonInput(2, 'region', 'APAC'),
          {
            id: 3,
            settings: containerJsonInput({
              parameterName: 'year',
              example: 2026,
              useFullyQualifiedName: true,
            }),
          },
          { id: 4, settings: legacyIntegerInput({ parameterName: 'limit', value: 10 }) },
          { id: 5, settings: containerJsonOutput({ parameterName: 'region', example: {} }) },
        ],
      },
    });
    model = workflowAt(workspace, '/Names');
  });

  it('forces FQ names on inputs that share a name', () => {
    expect(model.inputs.map((input) => input.name)).toEqual(['region-1', 'region-2', 'year-3', 'limit-4']);
  });

  it('names outputs apart from inputs', () => {
    expect(model.outputs.map((output) => output.name)).toEqual(['region']);
  });

  it('keeps the author name as short name', () => {
    expect(model.inputs.map((input) => input.shortName)).toEqual(['region', 'region', 'year', 'limit']);
  });

  it('publishes legacy inputs by FQ name with a bare example', () => {
    const limit = model.inputs.find((input) => input.shortName === 'limit');

    expect(limit).toMatchObject({ kind: 'legacy-integer', example: 10, fullyQualifiedName: 'limit-4' });
    expect(limit?.schema).toEqual({ type: 'integer', default: 10, description: '', example: 10 });
  });

  it('uses the published names as fragment keys', () => {
    expect(Object.keys((model.openapi.inputParameters as { properties: object }).properties)).toEqual([
      'region-1',
      'region-2',
      'year-3',
      'limit-4',
    ]);
  });
});

describe('node kinds', () => {
  let model: WorkflowModel;

  beforeAll(async () => {
    const { workspace } = await workspaceWith({
      Kinds: {
        nodes: [
          {
            id: 1,
            settings: containerTableInput({
              parameterName: 'sales',
              description: 'Sales rows,\none per order',
              table: {
                'table-spec': [{ region: 'string' }, { amount: 'double' }],
                'table-data': [['EMEA', 10.5]],
              },
            }),
          },
          {
            id: 2,
            settings: containerVariableInput({
              parameterName: 'settings',
              variables: [
                { name: 'region', type: 'str', value: 'EMEA' },
                { name: 'year', type: 'int', value: '2026' },
                { name: 'share', type: 'double', value: '0.5' },
                { name: 'final', type: 'bool', value: 'true' },
              ],
            }),
          },
          {
            id: 3,
            settings: containerVariableInput({
              parameterName: 'threshold',
              simpleJson: true,
              variables: [{ name: 'threshold', type: 'double', value: '3' }],
            }),
          },
          { id: 4, settings: containerFileInput({ parameterName: 'upload' }) },
          { id: 5, settings: containerFileInput({ parameterName: 'optional-upload', useDefaultFile: true }) },
          { id: 6, settings: containerFileOutput({ parameterName: 'report' }) },
        ],
      },
    });
    model = workflowAt(workspace, '/Kinds');
  });

  it('decodes escaped line breaks in descriptions', () => {
    expect(model.inputs.find((input) => input.name === 'sales')?.description).toBe(
      'Sales rows,\none per order',
    );
  });

  it('reads the table example', () => {
    expect(model.inputs.find((input) => input.name === 'sales')?.example).toEqual({
      'table-spec': [{ region: 'string' }, { amount: 'double' }],
      'table-data': [['EMEA', 10.5]],
    });
  });

  it('builds the variable example from the specification table', () => {
    const variables = model.inputs.find((input) => input.name === 'settings');

    expect(variables?.example).toEqual({ region: 'EMEA', year: 2026, share: 0.5, final: true });
    expect(variables?.schema.properties).toEqual({
      region: { type: 'string', default: 'EMEA' },
      year: { type: 'integer', default: 2026 },
      share: { type: 'number', default: 0.5 },
      final: { type: 'boolean', default: 'true' },
    });
  });

  it('publishes a single simple-JSON variable as a bare value', () => {
    const threshold = model.inputs.find((input) => input.name === 'threshold');

    expect(threshold?.example).toBe(3);
    expect(threshold?.schema).toMatchObject({ type: 'number', default: 3 });
  });

  it('reads file inputs as resources, required without a default file', () => {
    expect(model.inputResources.map((resource) => [resource.name, resource.required, resource.kind])).toEqual(
      [
        ['upload', true, 'file'],
        ['optional-upload', false, 'file'],
      ],
    );
  });

  it('writes resource fragments with octet-stream encoding', () => {
    expect(model.openapi.outputResources).toEqual({
      schema: { type: 'object', properties: { report: { type: 'string', format: 'binary' } } },
      encoding: { report: { contentType: 'application/octet-stream' } },
    });
  });

  it('keeps file inputs out of the parameter fragment', () => {
    const properties = (model.openapi.inputParameters as { properties: object }).properties;

    expect(Object.keys(properties)).toEqual(['sales', 'settings', 'threshold']);
  });

  it('writes an object wrapper for outputs that are only files', () => {
    expect(model.openapi.outputParameters).toEqual({ type: 'object', properties: {} });
    expect(model.outputs).toEqual([]);
  });
});

describe('damaged workflows', () => {
  let model: WorkflowModel;

  beforeAll(async () => {
    const { workspace } = await workspaceWith(
      {
        Damaged: {
          nodes: [
            jsonInput(1, 'good', { ok: true }),
            jsonInput(2, 'broken-xml'),
            jsonInput(3, 'missing-file'),
            { id: 4, settings: { ...containerJsonInput({ parameterName: 'x', example: {} }), model: [] } },
            {
              id: 5,
              settings: {
                ...containerJsonInput({ parameterName: 'bad-json', example: {} }),
                model: [stringEntry('parameterName', 'bad-json'), stringEntry('json', '{not json')],
              },
            },
            { id: 7, type: 'component', name: 'Lost', nodes: [] },
          ],
        },
      },
      {
        'Damaged/Container Input _JSON_ (#2)/settings.xml': '<config key="settings.xml"><entry key=',
        'Damaged/knimectl-simulation.json': '{"durationMs": ',
      },
    );
    model = workflowAt(workspace, '/Damaged');
  });

  it('still reads the intact node', () => {
    expect(model.inputs.find((input) => input.name === 'good')?.example).toEqual({ ok: true });
  });

  it('reports a node whose settings are not XML', () => {
    expect(
      model.warnings.some((warning) => warning.includes('node 2') && warning.includes('invalid XML')),
    ).toBe(true);
    expect(model.inputs.find((input) => input.nodeIdPath === '2')).toBeUndefined();
  });

  it('uses the node default name when parameterName is missing', () => {
    expect(model.inputs.find((input) => input.nodeIdPath === '4')?.shortName).toBe('json-input');
    expect(
      model.warnings.some((warning) => warning.includes('node 4') && warning.includes('parameterName')),
    ).toBe(true);
  });

  it('falls back to {} for JSON it cannot parse', () => {
    expect(model.inputs.find((input) => input.nodeIdPath === '5')?.example).toEqual({});
    expect(
      model.warnings.some((warning) => warning.includes('node 5') && warning.includes('invalid JSON')),
    ).toBe(true);
  });

  it('reports a broken sidecar without attaching it', () => {
    expect(model.simulation).toBeUndefined();
    expect(model.simulationError).toMatch(/knimectl-simulation\.json: invalid JSON/);
    expect(model.warnings.some((warning) => warning.includes('knimectl-simulation.json'))).toBe(true);
  });

  it('reports a component whose workflow.knime is missing', async () => {
    const { dir } = await workspaceWith({
      Lost: { nodes: [{ id: 7, type: 'component', name: 'Lost', nodes: [] }] },
    });
    await rm(join(dir, 'Lost', 'Lost (#7)', 'workflow.knime'));
    const reloaded = workflowAt(await loadWorkspace(dir), '/Lost');

    expect(reloaded.warnings).toEqual([expect.stringMatching(/node 7: .*cannot read file/)]);
  });

  it('reports a settings file that is missing', async () => {
    const { dir } = await workspaceWith({ Gone: { nodes: [jsonInput(1, 'gone'), jsonInput(2, 'kept')] } });
    await rm(join(dir, 'Gone', 'Container Input _JSON_ (#1)', 'settings.xml'));
    const reloaded = workflowAt(await loadWorkspace(dir), '/Gone');

    expect(reloaded.inputs.map((input) => input.name)).toEqual(['kept']);
    expect(reloaded.warnings).toEqual([expect.stringMatching(/node 1: .*cannot read file/)]);
  });

  it('serves a workflow with an unparseable workflow.knime without parameters', async () => {
    const { workspace } = await workspaceWith(
      {},
      { 'Broken/workflow.knime': '<config key="workflow.knime">' },
    );
    const broken = workflowAt(workspace, '/Broken');

    expect(broken.inputs).toEqual([]);
    expect(broken.openapi.inputParameters).toEqual({});
    expect(broken.warnings).toEqual([expect.stringMatching(/invalid XML/)]);
  });

  it('skips a settings file that points outside the workflow', async () => {
    const { workspace } = await workspaceWith(
      {},
      {
        'Escape/workflow.knime': `<config key="workflow.knime"><config key="nodes"><config key="node_1">
          <entry key="id" type="xint" value="1"/>
          <entry key="node_settings_file" type="xstring" value="../Other/settings.xml"/>
          <entry key="node_type" type="xstring" value="NativeNode"/>
        </config></config></config>`,
      },
    );

    expect(workflowAt(workspace, '/Escape').warnings).toEqual([
      expect.stringMatching(/outside the workflow folder/),
    ]);
  });

  it('ignores a model config of an unrelated node', async () => {
    const { workspace } = await workspaceWith({
      Plain: {
        nodes: [{ id: 1, settings: plainNode('org.example.SomeNodeFactory', 'Some Node', [config('x')]) }],
      },
    });

    expect(workflowAt(workspace, '/Plain').warnings).toEqual([]);
  });
});

describe('less common node kinds', () => {
  let model: WorkflowModel;

  const QUICKFORM = 'org.knime.js.base.node.quickform.input';

  beforeAll(async () => {
    const { workspace } = await workspaceWith({
      Rare: {
        nodes: [
          {
            id: 1,
            settings: plainNode(
              'org.knime.json.node.container.input.raw.RawHTTPInputNodeFactory',
              'Container Input (Raw HTTP)',
            ),
          },
          {
            id: 2,
            settings: plainNode(
              'org.knime.json.node.container.output.raw.RawHTTPOutputNodeFactory',
              'Container Output (Raw HTTP)',
            ),
          },
          {
            id: 3,
            settings: {
              ...containerTableInput({
                parameterName: 'rows',
                table: { 'table-spec': [{ a: 'int' }], 'table-data': [[1]] },
              }),
              model: [
                stringEntry('parameterName', 'rows'),
                booleanEntry('omitTableSpec', true),
                stringEntry('exampleInput', '{"table-spec":[{"a":"int"}],"table-data":[[1]]}'),
              ],
            },
          },
          {
            id: 4,
            settings: plainNode(`${QUICKFORM}.slider.SliderInputQuickFormNodeFactory`, 'Slider Input', [
              config('defaultValue', [entry('double', 'xdouble', '50.0')]),
              stringEntry('parameterName', 'level'),
            ]),
          },
          {
            id: 5,
            settings: plainNode(`${QUICKFORM}.fileupload.FileUploadQuickFormNodeFactory`, 'File Upload', [
              stringEntry('parameterName', 'upload'),
              stringEntry('description', 'Any file'),
            ]),
          },
          {
            id: 6,
            settings: plainNode(`${QUICKFORM}.string.StringInputQuickFormNodeFactory`, 'String Input', [
              config('defaultValue', [stringEntry('string', 'old')]),
            ]),
          },
          {
            id: 7,
            settings: {
              ...containerJsonInput({ parameterName: 'legacy', example: [1] }),
              nodeName: 'JSON Input',
            },
          },
          {
            id: 8,
            settings: plainNode(
              'org.knime.json.node.container.input.variable.ContainerVariableInputNodeFactory',
              'Container Input (Variable)',
              [stringEntry('parameterName', 'old-variables')],
            ),
          },
          {
            id: 9,
            settings: plainNode(
              'org.knime.workflowservices.knime.callee.WorkflowInputNodeFactory',
              'Workflow Service Input',
              [stringEntry('parameterName', 'service-in')],
            ),
          },
        ],
      },
    });
    model = workflowAt(workspace, '/Rare');
  });

  it('publishes Raw HTTP input as an FQ resource', () => {
    expect(model.inputResources.find((resource) => resource.kind === 'raw-http')?.name).toBe(
      'raw-http-input-1',
    );
  });

  it('counts Raw HTTP output for the output fragment only', () => {
    expect(model.outputs).toEqual([]);
    expect(model.outputResources).toEqual([]);
    expect(model.openapi.outputParameters).toEqual({ type: 'object', properties: {} });
  });

  it('drops table-spec when omitTableSpec is set', () => {
    expect(model.inputs.find((input) => input.shortName === 'rows')?.example).toEqual({
      'table-data': [[1]],
    });
  });

  it('approximates other Quickform values with a warning', () => {
    const level = model.inputs.find((input) => input.shortName === 'level');

    expect(level).toMatchObject({ name: 'level-4', kind: 'legacy-other', example: 50 });
    expect(level?.schema).toMatchObject({ type: 'number', default: 50 });
    expect(model.warnings.some((warning) => warning.includes('SliderInputQuickFormNodeFactory'))).toBe(true);
  });

  it('publishes the File Upload Quickform as an FQ resource', () => {
    expect(model.inputResources.find((resource) => resource.kind === 'legacy-file-upload')).toMatchObject({
      name: 'upload-5',
      description: 'Any file',
      required: false,
    });
  });

  it('publishes a Quickform without parameter name by node id', () => {
    expect(model.inputs.find((input) => input.nodeIdPath === '6')).toMatchObject({
      name: '6',
      shortName: '',
      example: 'old',
    });
  });

  it('marks nodes saved as JSON Input as legacy-json', () => {
    expect(model.inputs.find((input) => input.shortName === 'legacy')).toMatchObject({
      kind: 'legacy-json',
      example: [1],
    });
  });

  it('publishes the fixed example of the deprecated variable node', () => {
    expect(model.inputs.find((input) => input.shortName === 'old-variables')?.example).toEqual({
      variables: [{ 'variable-string': 'somevariable' }, { 'variable-double': 42 }, { 'variable-int': 100 }],
    });
  });

  it('assumes a table port for a service node without port type', () => {
    expect(model.inputResources.find((resource) => resource.name === 'service-in')?.contentType).toBe(
      'knime-port/org.knime.core.node.BufferedDataTable',
    );
    expect(
      model.warnings.some(
        (warning) => warning.includes('node 9') && warning.includes('node_creation_config'),
      ),
    ).toBe(true);
  });
});
