import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveBehaviour } from '../../../src/simulator/engine/sidecar.js';
import { loadWorkspace } from '../../../src/simulator/workspace/load.js';
import type { WorkflowModel, Workspace } from '../../../src/simulator/workspace/model.js';
import { repoDir } from '../../support/fixtures.js';

let workspace: Workspace;

beforeAll(async () => {
  workspace = await loadWorkspace(join(repoDir, 'demo', 'workspace'));
});

function demo(path: string): WorkflowModel {
  const found = workspace.find(path)?.workflow;
  if (!found) throw new Error(`demo workflow ${path} not found`);
  return found;
}

/** Published names with their kinds. */
function summary(workflow: WorkflowModel) {
  return {
    inputs: workflow.inputs.map((input) => `${input.name}:${input.kind}`),
    outputs: workflow.outputs.map((output) => `${output.name}:${output.kind}`),
    inputResources: workflow.inputResources.map((resource) => `${resource.name}:${resource.kind}`),
    outputResources: workflow.outputResources.map((resource) => `${resource.name}:${resource.kind}`),
  };
}

const EXPECTED: Readonly<Record<string, ReturnType<typeof summary>>> = {
  '/Demo/Duplicate Names': {
    inputs: ['date-1:json', 'date-2:json'],
    outputs: ['days:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Demo/Failing Workflow': {
    inputs: ['customer:json'],
    outputs: ['score:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Demo/File Convert': {
    inputs: ['line-count-3:legacy-integer'],
    outputs: [],
    inputResources: ['file-upload:file'],
    outputResources: ['converted:file'],
  },
  '/Demo/Hello World': {
    inputs: ['name:json'],
    outputs: ['greeting:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Demo/No Outputs': {
    inputs: ['message:json', 'dry-run:variable'],
    outputs: [],
    inputResources: [],
    outputResources: [],
  },
  '/Demo/Sales Report': {
    inputs: ['sales:table', 'region:variable'],
    outputs: ['summary:table'],
    inputResources: [],
    outputResources: ['report:file'],
  },
  '/Demo/Slow Job': {
    inputs: ['batch:json'],
    outputs: ['status:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Demo/With Component': {
    inputs: ['customer:json', 'threshold-5:3:json'],
    outputs: ['score:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Team A/Prüfung 100% fertig': {
    inputs: ['checklist:json'],
    outputs: ['status:json'],
    inputResources: [],
    outputResources: [],
  },
  '/Team A/Q1 Sales & Costs #2': {
    inputs: ['quarter:json'],
    outputs: ['costs:json'],
    inputResources: [],
    outputResources: [],
  },
};

describe('demo workspace', () => {
  it('holds exactly the documented workflows', () => {
    expect(workspace.workflows().map((workflow) => workflow.path)).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s publishes the expected inputs and outputs', (path, expected) => {
    expect(summary(demo(path))).toEqual(expected);
  });

  it('loads without warnings', () => {
    expect(workspace.workflows().flatMap((workflow) => workflow.warnings)).toEqual([]);
    expect(workspace.warnings).toEqual([]);
  });

  it.each(Object.keys(EXPECTED))('%s has a sidecar the engine accepts', (path) => {
    const workflow = demo(path);

    expect(workflow.simulation).toBeDefined();
    expect(() => resolveBehaviour(workflow, { loadMs: 50, durationMs: 200 })).not.toThrow();
  });

  it('shows the CSV file as a data item', () => {
    expect(workspace.find('/Demo/regions.csv')?.type).toBe('Data');
  });

  it('greets with a string example', () => {
    expect(demo('/Demo/Hello World').inputs[0]).toMatchObject({
      example: 'World',
      description: 'Name to greet, as a JSON string.',
    });
  });

  it('publishes the Sales Report region as a bare string', () => {
    expect(demo('/Demo/Sales Report').inputs.find((input) => input.name === 'region')?.example).toBe('EMEA');
  });

  it('requires the upload of File Convert', () => {
    expect(demo('/Demo/File Convert').inputResources[0]?.required).toBe(true);
  });

  it('marks the failing workflow and the slow job in their sidecars', () => {
    expect(demo('/Demo/Failing Workflow').simulation).toMatchObject({ outcome: 'failure' });
    expect(demo('/Demo/Slow Job').simulation).toMatchObject({ durationMs: 600000 });
    expect(demo('/Demo/Sales Report').simulation).toMatchObject({ durationMs: 3000 });
  });

  it('publishes no output fragment for the workflow without outputs', () => {
    expect(demo('/Demo/No Outputs').openapi.outputParameters).toEqual({});
  });
});
