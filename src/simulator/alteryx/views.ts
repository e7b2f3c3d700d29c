import type { ResolvedAlteryxOptions } from './options.js';
import type { SimJob, SimMessage } from './state.js';
import type { SimWorkflow } from './workflows.js';

/**
 * Wire shapes of the simulated server and the quirks applied to them: the byte-order mark before
 * JSON bodies and the unknown extra fields of newer releases.
 */

/** Route family of a response, which decides whether it gets a byte-order mark. */
export type RouteFamily = 'token' | 'v1' | 'v3';

/** Sends `body` as JSON, with a leading U+FEFF when the `bom` switch covers `family`. */
export function sendJson(
  options: ResolvedAlteryxOptions,
  family: RouteFamily,
  body: unknown,
  status = 200,
): Response {
  const withBom = options.bom === 'all' || (options.bom === 'v1' && family === 'v1');
  const text = `${withBom ? '\uFEFF' : ''}${JSON.stringify(body)}`;
  return new Response(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** Error body in the shape of ASP.NET Web API answers: `message`, plus `modelState` for 400. */
export function sendError(
  options: ResolvedAlteryxOptions,
  family: RouteFamily,
  status: number,
  message: string,
  modelState?: Record<string, string[]>,
): Response {
  return sendJson(options, family, modelState ? { message, modelState } : { message }, status);
}

/** Adds the fields a newer release would send and an older client does not know. */
function withExtras<T extends object>(options: ResolvedAlteryxOptions, object: T): T {
  if (!options.extraFields) return object;
  return { ...object, lastModifiedDate: '2024-06-01T00:00:00.000Z', simulatorRelease: options.profile };
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Item of `GET v3/workflows` in the default (reduced) view. */
export function reducedWorkflowView(options: ResolvedAlteryxOptions, workflow: SimWorkflow): object {
  return withExtras(options, {
    id: workflow.id,
    sourceAppId: '',
    name: workflow.name,
    ownerId: workflow.ownerId,
    dateCreated: workflow.dateCreated,
    publishedVersionNumber: workflow.publishedVersionNumber,
    isAmp: workflow.isAmp,
    executionMode: workflow.executionMode,
  });
}

/** Body of `GET v3/workflows/{id}`, also the items of `GET v3/workflows?view=Full`. */
export function fullWorkflowView(
  options: ResolvedAlteryxOptions,
  workflow: SimWorkflow,
  runCount: number,
): object {
  const versionId = `${workflow.id.slice(0, 20)}0001`;
  return withExtras(options, {
    id: workflow.id,
    sourceAppId: '',
    dateCreated: workflow.dateCreated,
    runCount,
    versions: [
      withExtras(options, {
        versionId,
        versionNumber: workflow.publishedVersionNumber,
        dateCreated: workflow.dateCreated,
        uploadSource: 'Designer',
        uploadDate: workflow.dateCreated,
        packageWorkflowType: workflow.packageWorkflowType,
        published: true,
        comments: workflow.comments,
        runDisabled: workflow.runDisabled,
        executionMode: workflow.executionMode,
        workflowCredentialType: workflow.workflowCredentialType,
        credentialId: '',
        hasPrivateDataExemption: false,
        othersMayDownload: true,
        othersCanViewHistory: true,
        details: {},
      }),
    ],
    name: workflow.name,
    ownerId: workflow.ownerId,
    workerTag: workflow.workerTag,
    districtTags: [],
    comments: workflow.comments,
    isPublic: false,
    isReadyForMigration: false,
    publishedVersionId: versionId,
    othersMayDownload: true,
    othersCanViewHistory: true,
    othersCanExecute: true,
    executionMode: workflow.executionMode,
    hasPrivateDataExemption: false,
  });
}

/** Items of `GET v3/workflows/{id}/questions`. */
export function questionViews(options: ResolvedAlteryxOptions, workflow: SimWorkflow): object[] {
  return workflow.questions.map((question) =>
    withExtras(options, {
      name: question.name,
      questionType: question.questionType,
      description: question.description,
      value: question.value,
      multiple: question.multiple,
      items: question.items.map((item) => ({ key: item.key, value: item.value })),
    }),
  );
}

function messageViews(options: ResolvedAlteryxOptions, messages: SimMessage[]): object[] {
  return messages.map((message) => withExtras(options, { ...message }));
}

/** Body of `GET v3/jobs/{id}` and of a successful queue request. */
export function jobView(options: ResolvedAlteryxOptions, job: SimJob, includeMessages = true): object {
  return withExtras(options, {
    id: job.id,
    appId: job.workflowId,
    createDateTime: isoTime(job.createdMs),
    status: job.status,
    disposition: job.disposition,
    outputs: job.outputs.map((output) =>
      withExtras(options, {
        id: output.id,
        availableFormats: output.availableFormats,
        fileName: output.fileName,
      }),
    ),
    ...(includeMessages ? { messages: messageViews(options, job.messages) } : {}),
    priority: job.priority,
    workerTag: job.workerTag,
    runWithE2: job.runWithE2,
  });
}

/** Legacy priority codes, "0" (low) to "3" (critical). */
const legacyPriority: Record<SimJob['priority'], string> = {
  Low: '0',
  Default: '0',
  Medium: '1',
  High: '2',
  Critical: '3',
};

/** Body of the legacy `GET v1/jobs/{id}/`: `createDate`, `formats` and numeric priority codes. */
export function legacyJobView(options: ResolvedAlteryxOptions, job: SimJob): object {
  return withExtras(options, {
    id: job.id,
    appId: job.workflowId,
    createDate: isoTime(job.createdMs),
    status: job.status,
    disposition: job.disposition,
    outputs: job.outputs.map((output) => ({
      id: output.id,
      formats: output.availableFormats,
      name: output.fileName,
    })),
    messages: messageViews(options, job.messages),
    priority: legacyPriority[job.priority],
    workerTag: job.workerTag,
  });
}

/** Item of `GET v3/workflows/{id}/jobs`: `createDate`, and no `disposition`. */
export function workflowJobView(options: ResolvedAlteryxOptions, job: SimJob): object {
  return withExtras(options, {
    id: job.id,
    createDate: isoTime(job.createdMs),
    status: job.status,
    priority: job.priority,
    workerTag: job.workerTag,
    runWithE2: job.runWithE2,
  });
}
