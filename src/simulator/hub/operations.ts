/** One operation of KNIME's execution-service OpenAPI document that the simulator serves. */
export interface ImplementedOperation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template exactly as the execution-service document writes it. */
  readonly path: string;
}

/**
 * Every execution-service operation the simulator implements. The conformance test drives each one
 * and checks its responses against the document, so a route added without an entry here (or an
 * entry without a test case) fails that test.
 */
export const IMPLEMENTED_OPERATIONS: readonly ImplementedOperation[] = [
  { method: 'GET', path: '/jobs' },
  { method: 'POST', path: '/jobs' },
  { method: 'DELETE', path: '/jobs' },
  { method: 'GET', path: '/jobs/{uuid}' },
  { method: 'PUT', path: '/jobs/{uuid}' },
  { method: 'POST', path: '/jobs/{uuid}' },
  { method: 'DELETE', path: '/jobs/{uuid}' },
  { method: 'GET', path: '/jobs/{scope}' },
  { method: 'DELETE', path: '/jobs/{uuid}/execution' },
  { method: 'GET', path: '/jobs/{uuid}/log' },
  { method: 'PUT', path: '/jobs/{uuid}/swap' },
  { method: 'PUT', path: '/jobs/{uuid}/load' },
  { method: 'GET', path: '/jobs/{uuid}/output-resources/{resourceId}' },
  { method: 'GET', path: '/jobs/open-api' },
  { method: 'POST', path: '/execution' },
  { method: 'GET', path: '/execution' },
  { method: 'POST', path: '/raw-execution' },
  { method: 'GET', path: '/raw-execution' },
  { method: 'GET', path: '/execution-contexts' },
  { method: 'GET', path: '/execution-contexts/{uuid}' },
  { method: 'GET', path: '/execution-contexts/{scope}' },
  { method: 'GET', path: '/execution-contexts/{uuid}/jobs' },
  { method: 'GET', path: '/execution-contexts/{uuid}/deployments' },
  { method: 'GET', path: '/execution-contexts/{uuid}/deployments/schedules' },
  { method: 'GET', path: '/execution-contexts/{uuid}/deployments/data-apps' },
  { method: 'GET', path: '/execution-contexts/{uuid}/deployments/rest' },
  { method: 'GET', path: '/execution-contexts/{uuid}/deployments/triggers' },
  { method: 'GET', path: '/deployments/{scope}' },
  { method: 'GET', path: '/deployments/{scope}/schedules' },
  { method: 'GET', path: '/deployments/{scope}/data-apps' },
  { method: 'GET', path: '/deployments/{scope}/rest' },
  { method: 'GET', path: '/deployments/{scope}/triggers' },
  { method: 'DELETE', path: '/deployments' },
  { method: 'GET', path: '/deployments/{id}' },
  { method: 'PUT', path: '/deployments/{id}' },
  { method: 'DELETE', path: '/deployments/{id}' },
  { method: 'POST', path: '/deployments/{id}/jobs' },
  { method: 'GET', path: '/deployments/{id}/jobs' },
  { method: 'POST', path: '/deployments/{id}/execution' },
  { method: 'GET', path: '/deployments/{id}/execution' },
  { method: 'POST', path: '/deployments/{id}/raw-execution' },
  { method: 'GET', path: '/deployments/{id}/raw-execution' },
  { method: 'GET', path: '/deployments/{id}/open-api' },
  { method: 'GET', path: '/deployments/shared' },
  { method: 'GET', path: '/deployments/data-apps' },
  { method: 'POST', path: '/deployments/schedules' },
  { method: 'POST', path: '/deployments/data-apps' },
  { method: 'POST', path: '/deployments/rest' },
  { method: 'POST', path: '/deployments/triggers' },
];
