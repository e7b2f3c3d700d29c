import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadWorkspace } from '../../../src/simulator/workspace/load.js';
import type { OpenApiFragments, WorkflowModel, Workspace } from '../../../src/simulator/workspace/model.js';
import { describeWithFixtures, fixturePath, fixturesDir } from '../../support/fixtures.js';

/** Artifact file name and the fragment KNIME writes into it. */
const ARTIFACTS: readonly (readonly [string, keyof OpenApiFragments])[] = [
  ['openapi-input-parameters.json', 'inputParameters'],
  ['openapi-output-parameters.json', 'outputParameters'],
  ['openapi-input-resources.json', 'inputResources'],
  ['openapi-output-resources.json', 'outputResources'],
];

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describeWithFixtures('workspace reader on KNIME-saved workflows', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await loadWorkspace(fixturePath('knime-workspace'));
  });

  function workflow(name: string): WorkflowModel {
    const found = workspace.find(`/${name}`)?.workflow;
    if (!found) throw new Error(`workflow /${name} not loaded`);
    return found;
  }

  // The body also runs, skipped, without the fixtures folder, so the listing must not throw then.
  const folders = fixturesDir ? readdirSync(fixturePath('knime-workspace')) : [];
  const cases = folders.flatMap((folder) =>
    ARTIFACTS.filter(([file]) => existsSync(fixturePath('knime-workspace', folder, '.artifacts', file))).map(
      ([file, key]) => [folder, file, key] as const,
    ),
  );

  it('finds artifacts to compare against', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s matches .artifacts/%s', (folder, file, key) => {
    const expected = readJson(fixturePath('knime-workspace', folder, '.artifacts', file));

    expect(workflow(folder).openapi[key]).toEqual(expected);
  });

  it('matches the reference input schema of bugAP7806', () => {
    const expected = readJson(
      fixturePath(
        'knime-workspace',
        'bugAP7806_WorkflowSaveHooks',
        'openapi-input-parameters-reference.json',
      ),
    );

    expect(workflow('bugAP7806_WorkflowSaveHooks').openapi.inputParameters).toEqual(expected);
  });

  it('loads every fixture workflow without warnings', () => {
    const warnings = workspace.workflows().flatMap((model) => model.warnings);

    expect(warnings).toEqual([]);
    expect(workspace.warnings).toEqual([]);
  });

  it('lists every fixture folder as a workflow and nothing else', () => {
    expect(workspace.rootItem.children.map((item) => [item.name, item.type])).toEqual(
      [...folders].sort().map((folder) => [folder, 'Workflow']),
    );
  });

  it('names nested component inputs by component and node id', () => {
    const model = workflow('testSRV559_RecursiveInputNodesViaREST');

    expect(model.inputs.map((input) => input.name)).toEqual([
      'top-level-string-input-1',
      'top-level-credentials-input-2',
      'metanode-level-string-input-21:10',
      'metanode-level-credentials-input-21:11',
    ]);
    expect(model.outputs.map((output) => output.name)).toEqual([
      'top-level-json-output-7',
      'metanode-level-json-output-21:16',
    ]);
  });

  it('reads the nested component inputs with their defaults', () => {
    const input = workflow('testSRV559_RecursiveInputNodesViaREST').inputs.find(
      (candidate) => candidate.nodeIdPath === '21:10',
    );

    expect(input).toMatchObject({
      shortName: 'metanode-level-string-input',
      fullyQualifiedName: 'metanode-level-string-input-21:10',
      kind: 'legacy-string',
      nodeName: 'String Input',
      example: 'foo',
    });
  });

  it('names both credentials inputs of bugAP11261 by node id', () => {
    const model = workflow('bugAP11261_CredentialsDefaultHook');

    expect(model.inputs.map((input) => [input.name, input.shortName, input.kind])).toEqual([
      ['param-name-7', 'param-name', 'legacy-credentials'],
      ['param-name-9', 'param-name', 'legacy-credentials'],
    ]);
    expect(model.inputs[0]?.example).toEqual({ username: 'some', password: '*************' });
  });

  it('keeps short names where useFullyQualifiedName is false', () => {
    const model = workflow('bugAP14686_containerNodesWithNodeIDSuffix');
    const byNode = Object.fromEntries(model.inputs.map((input) => [input.nodeIdPath, input.name]));

    expect(byNode['1']).toBe('input-table-1');
    expect(byNode['12']).toBe('simple-input-table');
    expect(model.inputs.find((input) => input.nodeIdPath === '5')?.kind).toBe('credentials');
    expect(model.inputs.find((input) => input.nodeIdPath === '2')?.kind).toBe('variable');
  });

  it('reads the Workflow Service ports as resources', () => {
    const model = workflow('enhAP23936_BDTRefReaderNoCopy');

    expect(model.inputResources).toMatchObject([
      {
        name: 'workflow-input',
        kind: 'workflow-service',
        contentType: 'knime-port/org.knime.core.node.port.flowvariable.FlowVariablePortObject',
      },
    ]);
    expect(model.outputResources.map((resource) => resource.contentType)).toEqual([
      'knime-port/org.knime.core.node.BufferedDataTable',
    ]);
    expect(model.inputs).toEqual([]);
  });

  it('ignores the unreferenced WebPortal Body folder inside a workflow', () => {
    expect(workspace.find('/enhAP12740_ComponentWithExampleInputData/WebPortal Body')).toBeUndefined();
    expect(workflow('enhAP12740_ComponentWithExampleInputData').inputs.map((input) => input.name)).toEqual([
      'string-input-5',
    ]);
  });
});

/** Stand-alone 5.x settings files, each placed as node 3 of a workflow built at test time. */
describeWithFixtures('workspace reader on KNIME 5.x node settings', () => {
  let scratch: string;
  let workspace: Workspace;

  const SETTINGS_FILES = [
    'ContainerTableInputNodeParameters.xml',
    'ContainerTableOutputNodeParameters.xml',
    'ContainerVariableInputNodeParameters.xml',
    'JSONInputNodeParameters.xml',
    'JSONOutputNodeParameters.xml',
  ];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'knimectl-settings-'));
    for (const file of SETTINGS_FILES) {
      const dir = join(scratch, file.replace('.xml', ''));
      await mkdir(join(dir, 'Node (#3)'), { recursive: true });
      await writeFile(
        join(dir, 'Node (#3)', 'settings.xml'),
        readFileSync(fixturePath('node-settings', 'knime-json', file)),
      );
      await writeFile(join(dir, 'workflow.knime'), singleNodeWorkflow('Node (#3)/settings.xml'));
    }
    workspace = await loadWorkspace(scratch);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  function model(file: string): WorkflowModel {
    const found = workspace.find(`/${file.replace('.xml', '')}`)?.workflow;
    if (!found) throw new Error(`workflow for ${file} not loaded`);
    return found;
  }

  it('reads Container Input (Table) with its short name and example', () => {
    const [input] = model('ContainerTableInputNodeParameters.xml').inputs;

    expect(input?.name).toBe('table-input');
    expect(input?.kind).toBe('table');
    const rows = (input?.example as { 'table-data': unknown[][] } | undefined)?.['table-data'] ?? [];
    expect(rows[0]?.slice(0, 5)).toEqual(['value1', 1, 1.5, 1000, true]);
    expect(input?.schema).toMatchObject({ type: 'object', description: '' });
  });

  it('reads Container Output (Table)', () => {
    expect(model('ContainerTableOutputNodeParameters.xml').outputs.map((output) => output.name)).toEqual([
      'table-output',
    ]);
  });

  it('publishes an empty object for a variable input without specification', () => {
    const [input] = model('ContainerVariableInputNodeParameters.xml').inputs;

    expect(input).toMatchObject({ name: 'variable-input', kind: 'variable', example: {} });
    expect(input?.schema).toEqual({ type: 'object', properties: {}, description: '', example: {} });
  });

  it('reads Container Input (JSON) with a fully qualified name and description', () => {
    const [input] = model('JSONInputNodeParameters.xml').inputs;

    expect(input).toMatchObject({
      name: 'some-parameter-3',
      shortName: 'some-parameter',
      description: 'Some description',
      example: { some: 'JSON' },
      required: false,
    });
  });

  it('reads Container Output (JSON)', () => {
    const [output] = model('JSONOutputNodeParameters.xml').outputs;

    expect(output).toMatchObject({
      name: 'some-param-3',
      description: 'some description',
      example: { some: 'JSON' },
    });
  });

  it('loads the 5.x settings without warnings', () => {
    expect(workspace.workflows().flatMap((workflow) => workflow.warnings)).toEqual([]);
  });
});

function singleNodeWorkflow(settingsFile: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<config xmlns="http://www.knime.org/2008/09/XMLConfig" key="workflow.knime">
    <entry key="version" type="xstring" value="5.1.0"/>
    <config key="nodes">
        <config key="node_3">
            <entry key="id" type="xint" value="3"/>
            <entry key="node_settings_file" type="xstring" value="${settingsFile}"/>
            <entry key="node_is_meta" type="xboolean" value="false"/>
            <entry key="node_type" type="xstring" value="NativeNode"/>
        </config>
    </config>
</config>
`;
}
