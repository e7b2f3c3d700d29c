/**
 * Wire formats of the KNIME Server REST API v4 job-control routes, as types only. Fields are
 * optional where public sources disagree or never show them; parsers accept unknown fields.
 */

/** One Mason control (`@controls` entry). */
export interface MasonControl {
  href: string;
  isHrefTemplate?: boolean;
  method?: string;
  title?: string;
  encoding?: string;
}

/** Mason error envelope, the body style the simulator uses for errors. */
export interface MasonErrorBody {
  '@error': {
    '@message': string;
    '@httpStatusCode'?: number;
    '@messages'?: string[];
    '@details'?: string;
    '@code'?: string;
  };
}

/** Entry of `nodeMessages` on a job. */
export interface ServerNodeMessage {
  node: string;
  messageType: string;
  message: string;
}

/**
 * Job as returned by `POST {wf}:jobs`, `GET /jobs/{id}`, `POST /jobs/{id}` and the list routes.
 * Timestamps are ISO-8601 strings, epoch milliseconds or fractional epoch seconds.
 */
export interface ServerJob {
  id: string;
  name?: string;
  owner?: string;
  workflow?: string;
  state: string;
  createdAt?: string | number;
  startedExecutionAt?: string | number;
  finishedExecutionAt?: string | number;
  createdVia?: string;
  isOutdated?: boolean;
  isSwapped?: boolean;
  hasReport?: boolean;
  discardAfterSuccessfulExec?: boolean;
  discardAfterFailedExec?: boolean;
  nodeMessages?: ServerNodeMessage[];
  outputValues?: Record<string, unknown>;
  outputResources?: Record<string, unknown>;
  inputParameters?: Record<string, unknown>;
  '@controls'?: Record<string, MasonControl>;
}

/** Body of `GET /jobs` and `GET {wf}:jobs`. */
export interface ServerJobList {
  jobs: ServerJob[];
}

/** Repository item, with `children` on folders of a `?deep=true` listing. */
export interface ServerRepositoryItem {
  path: string;
  type: 'Workflow' | 'WorkflowGroup' | string;
  name?: string;
  owner?: string;
  children?: ServerRepositoryItem[];
  '@controls'?: Record<string, MasonControl>;
}

/** The parts of a workflow's `:openapi` document the client reads. */
export interface ServerWorkflowOpenApi {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, unknown>;
  components?: {
    schemas?: Record<string, OpenApiObjectSchema | undefined>;
  };
}

/** Object schema as KNIME writes `InputParameters` and `OutputParameters`. */
export interface OpenApiObjectSchema {
  type?: string;
  properties?: Record<string, OpenApiPropertySchema>;
  required?: string[];
  description?: string;
}

/** Schema of one parameter, with KNIME's `example` value. */
export interface OpenApiPropertySchema {
  type?: string;
  format?: string;
  description?: string;
  example?: unknown;
  default?: unknown;
  properties?: Record<string, unknown>;
  items?: unknown;
  [key: string]: unknown;
}
