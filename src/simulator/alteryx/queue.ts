import type { ResolvedAlteryxOptions } from './options.js';
import { type PriorityName, priorityNames } from './state.js';
import type { SimWorkflow } from './workflows.js';

/** A queue request that passed validation. */
export interface ValidQueueRequest {
  questions: Array<{ name: string; value: string }>;
  priority: PriorityName;
  workerTag: string;
  credentialId: string | undefined;
}

/** A rejected queue request: the 400 message and the `modelState` entries. */
export interface QueueRejection {
  message: string;
  modelState: Record<string, string[]>;
}

/**
 * Validates the body of `POST v3/workflows/{id}/jobs` the way the simulated server does. The body
 * must carry a `questions` array of name/value string pairs and a known priority name. A workflow
 * that requires a credential needs `credentialId`, and answers must match the app's questions and
 * list items.
 */
export function validateQueueRequest(
  options: ResolvedAlteryxOptions,
  workflow: SimWorkflow,
  body: unknown,
): ValidQueueRequest | QueueRejection {
  const modelState: Record<string, string[]> = {};
  const reject = (field: string, error: string) => {
    modelState[field] = [...(modelState[field] ?? []), error];
  };

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      message: 'The request is invalid.',
      modelState: { contract: ['The request body must be a JSON object.'] },
    };
  }
  const contract = body as Record<string, unknown>;

  const questions = readQuestions(contract.questions, reject);
  const priority = readPriority(contract.priority, reject);
  const workerTag = readOptionalString(contract, 'workerTag', reject) ?? '';
  const credentialId = readOptionalString(contract, 'credentialId', reject);

  const version = workflowRules(options, workflow, credentialId);
  for (const [field, error] of version) reject(field, error);

  if (questions) checkAnswers(options, workflow, questions, reject);

  if (Object.keys(modelState).length > 0 || !questions) {
    return { message: 'The request is invalid.', modelState };
  }

  const known = new Set(workflow.questions.map((q) => q.name));
  const answered =
    options.unknownQuestion === 'ignore' ? questions.filter((q) => known.has(q.name)) : questions;
  return { questions: answered, priority, workerTag, credentialId };
}

function readQuestions(
  value: unknown,
  reject: (field: string, error: string) => void,
): Array<{ name: string; value: string }> | undefined {
  if (value === undefined || value === null) {
    reject(
      'contract.questions',
      'The questions field is required; send [] for a workflow without questions.',
    );
    return undefined;
  }
  if (!Array.isArray(value)) {
    reject('contract.questions', 'The questions field must be an array.');
    return undefined;
  }

  const pairs: Array<{ name: string; value: string }> = [];
  value.forEach((item: unknown, index) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof entry.name !== 'string' || entry.name === '') {
      reject(`contract.questions[${index}].name`, 'The name field is required and must be a string.');
      return;
    }
    if (typeof entry.value !== 'string') {
      reject(`contract.questions[${index}].value`, 'The value field is required and must be a string.');
      return;
    }
    pairs.push({ name: entry.name, value: entry.value });
  });
  return pairs;
}

function readPriority(value: unknown, reject: (field: string, error: string) => void): PriorityName {
  if (value === undefined || value === null) return 'Default';
  const match = priorityNames.find(
    (name) => typeof value === 'string' && name.toLowerCase() === value.toLowerCase(),
  );
  if (!match) {
    reject('contract.priority', `Priority must be one of ${priorityNames.join(', ')}.`);
    return 'Default';
  }
  return match;
}

function readOptionalString(
  contract: Record<string, unknown>,
  field: string,
  reject: (field: string, error: string) => void,
): string | undefined {
  const value = contract[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    reject(`contract.${field}`, `The ${field} field must be a string.`);
    return undefined;
  }
  return value;
}

function workflowRules(
  options: ResolvedAlteryxOptions,
  workflow: SimWorkflow,
  credentialId: string | undefined,
): Array<[string, string]> {
  const errors: Array<[string, string]> = [];
  if (workflow.packageWorkflowType !== 'App' && options.standardWorkflowJobs === '400') {
    errors.push(['workflowId', 'Only app workflows can be queued through this endpoint.']);
  }
  if (workflow.runDisabled) {
    errors.push(['workflowId', 'Running this workflow is disabled.']);
  }
  if (workflow.workflowCredentialType === 'Required' && !credentialId) {
    errors.push(['contract.credentialId', 'This workflow requires a credentialId.']);
  }
  return errors;
}

function checkAnswers(
  options: ResolvedAlteryxOptions,
  workflow: SimWorkflow,
  answers: Array<{ name: string; value: string }>,
  reject: (field: string, error: string) => void,
): void {
  const seen = new Set<string>();
  for (const answer of answers) {
    if (seen.has(answer.name))
      reject('contract.questions', `Question '${answer.name}' is answered more than once.`);
    seen.add(answer.name);

    const question = workflow.questions.find((q) => q.name === answer.name);
    if (!question) {
      if (options.unknownQuestion === '400') {
        reject('contract.questions', `Question '${answer.name}' does not exist in this app.`);
      }
      continue;
    }

    if (question.items.length === 0) continue;
    const keys = question.items.map((item) => item.key);
    const values = question.multiple ? answer.value.split(options.multiValueSeparator) : [answer.value];
    for (const value of values) {
      if (!keys.includes(value)) {
        reject(
          'contract.questions',
          `Value '${value}' is not an item of question '${question.name}' (${keys.join(', ')}).`,
        );
      }
    }
  }

  if (options.missingAnswer === '400') {
    for (const question of workflow.questions) {
      if (question.value === '' && !seen.has(question.name)) {
        reject('contract.questions', `Question '${question.name}' has no default and needs an answer.`);
      }
    }
  }
}
