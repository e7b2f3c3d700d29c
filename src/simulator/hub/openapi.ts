import type { WorkflowModel } from '../workspace/model.js';

/**
 * Builds the per-workflow OpenAPI document of `GET /jobs/open-api` and `GET /deployments/{id}/open-api`.
 * Clients find the inputs under `components.schemas.InputParameters.properties`, file inputs in the
 * multipart schema of the path ending in `/execution`, and output resources under the
 * `x-knime-output-resources` extension of its POST operation. The properties are the fragments KNIME
 * writes to `.artifacts/`; the rest of the document is this simulator's own composition.
 */
export function workflowOpenApi(
  workflow: WorkflowModel,
  title: string,
  executionUrl: string,
): Record<string, unknown> {
  const inputs = fragmentOrBuilt(workflow.openapi.inputParameters, workflow.inputs);
  const outputs = fragmentOrBuilt(workflow.openapi.outputParameters, workflow.outputs);
  const content: Record<string, unknown> = {
    'application/json': { schema: { $ref: '#/components/schemas/InputParameters' } },
  };
  if (workflow.inputResources.length > 0) {
    content['multipart/form-data'] = {
      schema: {
        type: 'object',
        properties: Object.fromEntries(
          workflow.inputResources.map((resource) => [resource.name, { type: 'string', format: 'binary' }]),
        ),
      },
      encoding: Object.fromEntries(
        workflow.inputResources.map((resource) => [resource.name, { contentType: resource.contentType }]),
      ),
    };
  }

  return {
    openapi: '3.0.1',
    info: { title, version: '1.0.0' },
    servers: [{ url: executionUrl }],
    paths: {
      '/execution': {
        post: {
          requestBody: { required: false, content },
          responses: {
            '200': {
              description: 'The finished job with its output values.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/OutputValues' } } },
            },
          },
          'x-knime-output-resources': Object.fromEntries(
            workflow.outputResources.map((resource) => [
              resource.name,
              { contentType: resource.contentType, description: resource.description },
            ]),
          ),
        },
      },
    },
    components: { schemas: { InputParameters: inputs, OutputValues: outputs } },
  };
}

function fragmentOrBuilt(
  fragment: Record<string, unknown>,
  parameters: WorkflowModel['inputs'],
): Record<string, unknown> {
  if (Object.keys(fragment).length > 0) return fragment;
  return {
    type: 'object',
    properties: Object.fromEntries(
      parameters.map((parameter) => [
        parameter.name,
        { ...parameter.schema, ...(parameter.example === undefined ? {} : { example: parameter.example }) },
      ]),
    ),
  };
}
