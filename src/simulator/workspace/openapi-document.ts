/**
 * The OpenAPI document that `GET {workflow}:openapi` returns.
 *
 * Only `components.schemas.InputParameters` has a public source: KNIME's Python client reads the
 * keys of its `properties` as the workflow's input names, and its content is the input fragment
 * KNIME writes to `.artifacts/`. Everything else here (the OpenAPI version, `info`, the paths, the
 * `OutputParameters`, `Job` and multipart schemas) is this simulator's composition from the
 * documented REST routes, not a copy of what KNIME Server returns.
 */
import type { WorkflowModel } from './model.js';

const JSON_TYPE = 'application/json';
const MULTIPART_TYPE = 'multipart/form-data';

/** Percent-encodes each segment of a repository path, keeping the `/` separators. */
export function encodeRepositoryPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

function hasProperties(fragment: Record<string, unknown>): boolean {
  return Object.keys(fragment).length > 0;
}

/** Request body of the calls that take inputs: JSON always, multipart when the workflow takes files. */
function inputsBody(workflow: WorkflowModel): Record<string, unknown> {
  const content: Record<string, unknown> = { [JSON_TYPE]: { schema: ref('InputParameters') } };
  const resources = workflow.openapi.inputResources as { schema?: unknown; encoding?: unknown };
  if (hasProperties(workflow.openapi.inputResources)) {
    content[MULTIPART_TYPE] = { schema: ref('InputResources'), encoding: resources.encoding };
  }
  return { required: false, content };
}

const jobIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Job id (a UUID).',
  schema: { type: 'string' },
};

function booleanQuery(name: string, description: string): Record<string, unknown> {
  return { name, in: 'query', required: false, description, schema: { type: 'boolean' } };
}

const resetParameter = booleanQuery('reset', 'Reset the workflow before it runs.');
const asyncParameter = booleanQuery('async', 'Return right after the start instead of after the run.');
const timeoutParameter = {
  name: 'timeout',
  in: 'query',
  required: false,
  description: 'Maximum wait for the run, in milliseconds.',
  schema: { type: 'integer' },
};

const jobResponse = (description: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: ref('Job') } },
});

function jobSchema(): Record<string, unknown> {
  return {
    type: 'object',
    required: ['id', 'state'],
    properties: {
      id: { type: 'string', description: 'Job id (a UUID).' },
      state: { type: 'string', description: 'Job state, such as IDLE, EXECUTING or EXECUTION_FINISHED.' },
      outputValues: ref('OutputParameters'),
    },
  };
}

/**
 * Builds the full `:openapi` document of a workflow.
 *
 * @param serverUrl REST root the paths are relative to, such as `http://127.0.0.1:8080/knime/rest/v4`
 */
export function openApiDocument(workflow: WorkflowModel, serverUrl: string): Record<string, unknown> {
  const itemPath = `/repository${encodeRepositoryPath(workflow.path)}`;
  const schemas: Record<string, unknown> = {
    InputParameters: workflow.openapi.inputParameters,
    OutputParameters: workflow.openapi.outputParameters,
    Job: jobSchema(),
  };
  if (hasProperties(workflow.openapi.inputResources)) {
    schemas.InputResources = (workflow.openapi.inputResources as { schema: unknown }).schema;
  }

  const paths: Record<string, unknown> = {
    [`${itemPath}:jobs`]: {
      post: {
        summary: `Load a new job of ${workflow.path}`,
        operationId: 'createJob',
        responses: { '201': jobResponse('The job was created and loaded.') },
      },
    },
    [`${itemPath}:execution`]: {
      post: {
        summary: `Run ${workflow.path} once with the given inputs and return its outputs`,
        operationId: 'executeOnce',
        parameters: [resetParameter, timeoutParameter],
        requestBody: inputsBody(workflow),
        responses: { '200': jobResponse('The workflow ran; its outputs are in outputValues.') },
      },
    },
    '/jobs/{id}': {
      parameters: [jobIdParameter],
      get: { summary: 'Read the job', operationId: 'getJob', responses: { '200': jobResponse('The job.') } },
      post: {
        summary: 'Execute the job with the given inputs',
        operationId: 'executeJob',
        parameters: [asyncParameter, resetParameter, timeoutParameter],
        requestBody: inputsBody(workflow),
        responses: { '200': jobResponse('The job after execution, or after the start with async=true.') },
      },
      delete: {
        summary: 'Discard the job',
        operationId: 'discardJob',
        responses: { '204': { description: 'The job was discarded.' } },
      },
    },
  };

  if (workflow.outputResources.length > 0) {
    paths['/jobs/{id}/output-resources/{resourceId}'] = {
      get: {
        summary: 'Download an output file of the job',
        operationId: 'getOutputResource',
        parameters: [
          jobIdParameter,
          {
            name: 'resourceId',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: workflow.outputResources.map((resource) => resource.name) },
          },
        ],
        responses: {
          '200': {
            description: 'The file.',
            content: Object.fromEntries(
              [...new Set(workflow.outputResources.map((resource) => resource.contentType))].map((type) => [
                type,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
        },
      },
    };
  }

  return {
    openapi: '3.0.3',
    info: {
      title: workflow.path,
      version: '1.0.0',
      description: `REST interface of the workflow ${workflow.path}.`,
    },
    servers: [{ url: serverUrl }],
    paths,
    components: { schemas },
  };
}
