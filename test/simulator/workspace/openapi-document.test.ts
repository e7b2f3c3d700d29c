import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  containerFileInput,
  containerFileOutput,
  containerJsonInput,
  containerJsonOutput,
} from '../../../src/simulator/workspace/knime-node-presets.js';
import { writeWorkflow } from '../../../src/simulator/workspace/knime-writer.js';
import { loadWorkspace, openApiDocument } from '../../../src/simulator/workspace/load.js';
import type { WorkflowModel } from '../../../src/simulator/workspace/model.js';
import { encodeRepositoryPath } from '../../../src/simulator/workspace/openapi-document.js';

const SERVER = 'http://127.0.0.1:8080/knime/rest/v4';

let scratch: string;
let withFiles: WorkflowModel;
let jsonOnly: WorkflowModel;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'knimectl-openapi-'));
  await writeWorkflow(join(scratch, 'Team A', 'Q1 Sales & Costs #2'), {
    nodes: [
      {
        id: 1,
        settings: containerJsonInput({
          parameterName: 'region',
          example: 'EMEA',
          description: 'Sales region',
        }),
      },
      { id: 2, settings: containerFileInput({ parameterName: 'orders' }) },
      { id: 3, settings: containerFileOutput({ parameterName: 'report' }) },
      { id: 4, settings: containerJsonOutput({ parameterName: 'summary', example: { rows: 3 } }) },
    ],
  });
  await writeWorkflow(join(scratch, 'Plain'), {
    nodes: [{ id: 1, settings: containerJsonInput({ parameterName: 'name', example: { name: 'World' } }) }],
  });
  const workspace = await loadWorkspace(scratch);
  withFiles = workspace.find('/Team A/Q1 Sales & Costs #2')?.workflow as WorkflowModel;
  jsonOnly = workspace.find('/Plain')?.workflow as WorkflowModel;
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Collects every `$ref` value in a document. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, found);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refsIn(child, found);
    }
  }
  return found;
}

describe('encodeRepositoryPath', () => {
  it('encodes each segment and keeps the slashes', () => {
    expect(encodeRepositoryPath('/Team A/Q1 Sales & Costs #2')).toBe(
      '/Team%20A/Q1%20Sales%20%26%20Costs%20%232',
    );
    expect(encodeRepositoryPath('/Team A/Prüfung 100% fertig')).toBe(
      '/Team%20A/Pr%C3%BCfung%20100%25%20fertig',
    );
  });
});

describe('openApiDocument', () => {
  it('titles the document with the workflow path and names the server', () => {
    const document = openApiDocument(withFiles, SERVER);

    expect(document.openapi).toBe('3.0.3');
    expect(document.info).toMatchObject({ title: '/Team A/Q1 Sales & Costs #2' });
    expect(document.servers).toEqual([{ url: SERVER }]);
  });

  it('uses the input fragment as InputParameters', () => {
    const document = openApiDocument(withFiles, SERVER) as {
      components: { schemas: Record<string, unknown> };
    };

    expect(document.components.schemas.InputParameters).toEqual(withFiles.openapi.inputParameters);
    expect(document.components.schemas.OutputParameters).toEqual(withFiles.openapi.outputParameters);
    expect(
      Object.keys((document.components.schemas.InputParameters as { properties: object }).properties),
    ).toEqual(['region']);
  });

  it('puts the job routes under the encoded workflow path', () => {
    const paths = Object.keys(openApiDocument(withFiles, SERVER).paths as object);

    expect(paths).toEqual([
      '/repository/Team%20A/Q1%20Sales%20%26%20Costs%20%232:jobs',
      '/repository/Team%20A/Q1%20Sales%20%26%20Costs%20%232:execution',
      '/jobs/{id}',
      '/jobs/{id}/output-resources/{resourceId}',
    ]);
  });

  it('offers multipart input only for workflows that take files', () => {
    const withFilesBody = JSON.stringify(openApiDocument(withFiles, SERVER));
    const jsonOnlyBody = JSON.stringify(openApiDocument(jsonOnly, SERVER));

    expect(withFilesBody).toContain('multipart/form-data');
    expect(jsonOnlyBody).not.toContain('multipart/form-data');
    expect(Object.keys(openApiDocument(jsonOnly, SERVER).paths as object)).not.toContain(
      '/jobs/{id}/output-resources/{resourceId}',
    );
  });

  it('lists the output resource names', () => {
    const paths = openApiDocument(withFiles, SERVER).paths as Record<
      string,
      { get: { parameters: unknown[] } }
    >;
    const download = paths['/jobs/{id}/output-resources/{resourceId}'];

    expect(download?.get.parameters[1]).toMatchObject({ name: 'resourceId', schema: { enum: ['report'] } });
  });

  it('resolves every reference inside the document', () => {
    for (const workflow of [withFiles, jsonOnly]) {
      const document = openApiDocument(workflow, SERVER) as {
        components: { schemas: Record<string, unknown> };
      };
      const names = refsIn(document).map((ref) => ref.replace('#/components/schemas/', ''));

      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(document.components.schemas).toHaveProperty([name]);
    }
  });

  it('gives every operation a response', () => {
    const paths = openApiDocument(withFiles, SERVER).paths as Record<string, Record<string, unknown>>;
    for (const item of Object.values(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(Object.keys((operation as { responses: object }).responses).length).toBeGreaterThan(0);
      }
    }
  });
});
