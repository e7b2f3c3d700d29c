import { join } from 'node:path';
import { z } from 'zod';
import type { ParameterModel, ResourceModel, WorkflowModel } from '../workspace/model.js';
import { SidecarError } from './errors.js';

/** File name of the run-behaviour sidecar beside `workflow.knime`. */
export const SIDECAR_FILE = 'knimectl-simulation.json';

const outcomeSchema = z.enum([
  'success',
  'failure',
  'failure-with-content',
  'not-executable',
  'load-error',
  'interaction-required',
]);

export type RunOutcome = z.infer<typeof outcomeSchema>;

const outputSpecSchema = z.union([
  z.strictObject({ template: z.json() }),
  z.strictObject({ fromInput: z.string().min(1), pointer: z.string().optional() }),
  z.strictObject({ value: z.json() }),
  z.strictObject({ example: z.literal(true) }),
]);

const resourceSpecSchema = z.union([
  z.strictObject({ contentType: z.string().min(1).optional(), text: z.string() }),
  z.strictObject({ contentType: z.string().min(1).optional(), bytes: z.number().int().min(0) }),
  z.strictObject({ contentType: z.string().min(1).optional(), fromInput: z.string().min(1) }),
]);

/** Strict schema of `knimectl-simulation.json`: unknown keys are errors. */
export const sidecarSchema = z.strictObject({
  loadMs: z.number().min(0).optional(),
  durationMs: z.number().min(0).optional(),
  outcome: outcomeSchema.optional(),
  failure: z.strictObject({ node: z.string().optional(), message: z.string().optional() }).optional(),
  outputs: z.record(z.string(), outputSpecSchema).optional(),
  outputResources: z.record(z.string(), resourceSpecSchema).optional(),
});

export type Sidecar = z.infer<typeof sidecarSchema>;
export type OutputSpec = z.infer<typeof outputSpecSchema>;
export type ResourceSpec = z.infer<typeof resourceSpecSchema>;

/** Run behaviour of one workflow after the sidecar was validated against the workflow's nodes. */
export interface RunBehaviour {
  readonly loadMs: number;
  readonly durationMs: number;
  readonly outcome: RunOutcome;
  readonly failure: { readonly node: string; readonly message: string };
  /** Output specs keyed by the output's published name; outputs without an entry use their example. */
  readonly outputs: ReadonlyMap<string, OutputSpec>;
  /** Resource specs keyed by the output resource's published name. */
  readonly outputResources: ReadonlyMap<string, ResourceSpec>;
}

/** Timings of a workflow without a sidecar, in simulated milliseconds. */
export interface BehaviourDefaults {
  /** @default 50 */
  loadMs: number;
  /** @default 200 */
  durationMs: number;
}

/**
 * Validates the sidecar content of `workflow` and resolves its output names.
 *
 * @throws {SidecarError} when a key is unknown, a value has the wrong type, or an output, resource or
 *   input name does not exist in the workflow. The message names the file and the key.
 */
export function resolveBehaviour(workflow: WorkflowModel, defaults: BehaviourDefaults): RunBehaviour {
  const file = join(workflow.diskPath, SIDECAR_FILE);
  if (workflow.simulationError !== undefined) {
    throw new SidecarError(file, '', workflow.simulationError);
  }

  const raw = workflow.simulation;
  const parsed = sidecarSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issueKey(issue?.path ?? [], issue && 'keys' in issue ? (issue.keys as string[]) : undefined);
    throw new SidecarError(file, key, describeIssue(issue));
  }

  const sidecar = parsed.data;
  const outputs = new Map<string, OutputSpec>();
  for (const [key, spec] of Object.entries(sidecar.outputs ?? {})) {
    const output = findParameter(workflow.outputs, key);
    if (!output) {
      throw new SidecarError(
        file,
        `outputs.${key}`,
        `no output parameter named "${key}"; ${namesHint(workflow.outputs)}`,
      );
    }
    checkInputReferences(workflow, spec, file, `outputs.${key}`);
    outputs.set(output.name, spec);
  }

  const outputResources = new Map<string, ResourceSpec>();
  for (const [key, spec] of Object.entries(sidecar.outputResources ?? {})) {
    const resource = findResource(workflow.outputResources, key);
    if (!resource) {
      throw new SidecarError(
        file,
        `outputResources.${key}`,
        `no output resource named "${key}"; ${namesHint(workflow.outputResources)}`,
      );
    }
    if ('fromInput' in spec && !findResource(workflow.inputResources, spec.fromInput)) {
      throw new SidecarError(
        file,
        `outputResources.${key}.fromInput`,
        `no input resource named "${spec.fromInput}"; ${namesHint(workflow.inputResources)}`,
      );
    }
    outputResources.set(resource.name, spec);
  }

  return {
    loadMs: sidecar.loadMs ?? defaults.loadMs,
    durationMs: sidecar.durationMs ?? defaults.durationMs,
    outcome: sidecar.outcome ?? 'success',
    failure: {
      node: sidecar.failure?.node ?? workflow.name,
      message: sidecar.failure?.message ?? defaultFailureMessage(sidecar.outcome ?? 'success'),
    },
    outputs,
    outputResources,
  };
}

function defaultFailureMessage(outcome: RunOutcome): string {
  switch (outcome) {
    case 'load-error':
      return 'Unable to load workflow';
    case 'not-executable':
      return 'Workflow contains nodes that cannot be executed';
    case 'interaction-required':
      return 'Workflow is waiting for user interaction';
    default:
      return 'Execute failed: simulated failure';
  }
}

interface Named {
  readonly name: string;
  readonly shortName: string;
  readonly fullyQualifiedName: string;
}

/**
 * Finds a node by its published name, its fully qualified name, or its short name when no other
 * node shares it (knime-core publishes shared short names only in their qualified form).
 */
export function findByName<T extends Named>(items: readonly T[], name: string): T | undefined {
  const exact =
    items.find((item) => item.name === name) ?? items.find((item) => item.fullyQualifiedName === name);
  if (exact) return exact;
  const matches = items.filter((item) => item.shortName === name);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Finds an input or output parameter by name; see {@link findByName}. */
export const findParameter: (
  parameters: readonly ParameterModel[],
  name: string,
) => ParameterModel | undefined = findByName;

/** Finds an input or output resource by name; see {@link findByName}. */
export const findResource: (resources: readonly ResourceModel[], name: string) => ResourceModel | undefined =
  findByName;

function namesHint(items: readonly { name: string }[]): string {
  if (items.length === 0) return 'the workflow has none';
  return `valid names are: ${items.map((item) => JSON.stringify(item.name)).join(', ')}`;
}

const PLACEHOLDER = /\$\{input:([^}/]+)(\/[^}]*)?\}/g;

function checkInputReferences(workflow: WorkflowModel, spec: OutputSpec, file: string, key: string): void {
  if ('fromInput' in spec) {
    if (!findParameter(workflow.inputs, spec.fromInput)) {
      throw new SidecarError(
        file,
        `${key}.fromInput`,
        `no input parameter named "${spec.fromInput}"; ${namesHint(workflow.inputs)}`,
      );
    }
    return;
  }

  if ('template' in spec) {
    for (const text of stringsIn(spec.template)) {
      for (const match of text.matchAll(PLACEHOLDER)) {
        const name = match[1] ?? '';
        if (!findParameter(workflow.inputs, name)) {
          throw new SidecarError(
            file,
            `${key}.template`,
            `placeholder "${match[0]}" names no input parameter; ${namesHint(workflow.inputs)}`,
          );
        }
      }
    }
  }
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* stringsIn(item);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) yield* stringsIn(item);
  }
}

function issueKey(path: readonly PropertyKey[], unknownKeys: string[] | undefined): string {
  const parts = path.map(String);
  if (unknownKeys && unknownKeys.length > 0) parts.push(unknownKeys[0] ?? '');
  return parts.join('.');
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid content';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union':
      return 'invalid entry: expected one of {"template": ...}, {"fromInput": "...", "pointer": "..."}, {"value": ...}, {"example": true} for outputs, or one of {"text": "..."}, {"bytes": n}, {"fromInput": "..."} with an optional "contentType" for outputResources';
    default:
      return issue.message;
  }
}
