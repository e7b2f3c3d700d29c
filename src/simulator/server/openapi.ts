import type { WorkflowModel } from '../workspace/model.js';
import { itemUrl, type RequestScope } from './http.js';

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/**
 * OpenAPI document of a workflow as a REST service. Only `components.schemas.InputParameters` and
 * the fragment shapes are known from KNIME clients; the paths, `OutputParameters` and the multipart
 * request body are the simulator's own composition of the `.artifacts/openapi-*.json` fragments.
 */
export function composeOpenApi(workflow: WorkflowModel, scope: RequestScope): Record<string, unknown> {
  const fragments = workflow.openapi;
  const inputParameters = hasProperties(fragments.inputParameters)
    ? fragments.inputParameters
    : EMPTY_OBJECT_SCHEMA;
  const outputParameters = hasProperties(fragments.outputParameters)
    ? fragments.outputParameters
    : EMPTY_OBJECT_SCHEMA;
  const inputResources = fragments.inputResources as { schema?: unknown; encoding?: unknown };

  const requestContent: Record<string, unknown> = {
    'application/json': { schema: { $ref: '#/components/schemas/InputParameters' } },
  };
  if (inputResources.schema) {
    requestContent['multipart/form-data'] = {
      schema: inputResources.schema,
      ...(inputResources.encoding ? { encoding: inputResources.encoding } : {}),
    };
  }

  const executionPath = new URL(itemUrl(scope.rest, workflow.path, ':execution')).pathname;
  return {
    openapi: '3.0.1',
    info: { title: workflow.path, version: '1' },
    servers: [{ url: new URL(scope.rest).origin }],
    paths: {
      [executionPath]: {
        post: {
          summary: `Execute ${workflow.name}`,
          parameters: [
            { name: 'reset', in: 'query', schema: { type: 'boolean' } },
            { name: 'timeout', in: 'query', schema: { type: 'integer' } },
          ],
          requestBody: { content: requestContent },
          responses: {
            '200': {
              description: 'Execution result',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { outputValues: { $ref: '#/components/schemas/OutputParameters' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    components: { schemas: { InputParameters: inputParameters, OutputParameters: outputParameters } },
  };
}

function hasProperties(fragment: Record<string, unknown>): boolean {
  return typeof fragment === 'object' && fragment !== null && 'properties' in fragment;
}
