/**
 * Builds the {@link WorkflowModel} of one workflow folder: its published inputs and outputs, the
 * OpenAPI fragments, and the optional run-behaviour sidecar `knimectl-simulation.json`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExternalNode } from './external-node.js';
import { buildFragments, type NamedNode, parameterProperty } from './fragments.js';
import { toPlainJson } from './json-tree.js';
import type { ParameterModel, ResourceModel, WorkflowModel } from './model.js';
import { publishNames } from './naming.js';
import { collectExternalNodes } from './workflow-nodes.js';
import { KnimeConfigError } from './xml-config.js';

/** File beside `workflow.knime` that tells the simulators how a job of this workflow behaves. */
export const SIMULATION_FILE = 'knimectl-simulation.json';

/** Orders node id paths by their numeric segments, so `2` comes before `10` and `21:10`. */
export function compareNodeIdPaths(left: string, right: string): number {
  const a = left.split(':').map(Number);
  const b = right.split(':').map(Number);
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function nameNodes(nodes: readonly ExternalNode[]): NamedNode[] {
  const sorted = [...nodes].sort((left, right) => compareNodeIdPaths(left.nodeIdPath, right.nodeIdPath));
  const names = publishNames(sorted);
  return sorted.map((node, index) => ({ node, published: names[index] as NamedNode['published'] }));
}

function toParameter({ node, published }: NamedNode): ParameterModel | undefined {
  const property = parameterProperty(node);
  if (!node.value || !property) return undefined;
  return {
    name: published.name,
    shortName: node.parameterKey,
    fullyQualifiedName: published.fullyQualifiedName,
    nodeIdPath: node.nodeIdPath,
    nodeName: node.nodeName,
    factory: node.factory,
    kind: node.value.kind,
    description: node.description,
    required: node.required,
    example: toPlainJson(node.value.example),
    schema: property,
  };
}

function toResource({ node, published }: NamedNode): ResourceModel | undefined {
  if (!node.resource) return undefined;
  return {
    name: published.name,
    shortName: node.parameterKey,
    fullyQualifiedName: published.fullyQualifiedName,
    nodeIdPath: node.nodeIdPath,
    nodeName: node.nodeName,
    description: node.description,
    contentType: node.resource.contentType,
    factory: node.factory,
    kind: node.resource.kind,
    required: node.required,
  };
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Reports published names that two nodes share; KNIME itself fails to build the name map then. */
function warnOnNameClashes(
  named: readonly NamedNode[],
  direction: string,
  label: string,
  warn: (m: string) => void,
) {
  const owners = new Map<string, string>();
  for (const { node, published } of named) {
    const other = owners.get(published.name);
    if (other !== undefined) {
      warn(
        `${label}: ${direction} nodes ${other} and ${node.nodeIdPath} are both published as "${published.name}"`,
      );
    }
    owners.set(published.name, node.nodeIdPath);
  }
}

interface SidecarResult {
  readonly simulation: unknown;
  readonly error?: string;
}

async function readSidecar(workflowDir: string): Promise<SidecarResult> {
  const path = join(workflowDir, SIMULATION_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { simulation: undefined };
    return { simulation: undefined, error: `${path}: cannot read file: ${(error as Error).message}` };
  }
  try {
    return { simulation: JSON.parse(text) as unknown };
  } catch (error) {
    return { simulation: undefined, error: `${path}: invalid JSON: ${(error as Error).message}` };
  }
}

/**
 * Loads one workflow. Problems inside the workflow (an unreadable node, a broken sidecar) become
 * warnings; an unreadable top-level `workflow.knime` yields a workflow without inputs or outputs
 * and a warning.
 *
 * @param repositoryPath absolute repository path such as `/Demo/Hello World`
 */
export async function loadWorkflowModel(workflowDir: string, repositoryPath: string): Promise<WorkflowModel> {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  let nodes: ExternalNode[] = [];
  try {
    nodes = await collectExternalNodes(workflowDir, repositoryPath, warn);
  } catch (error) {
    if (!(error instanceof KnimeConfigError)) throw error;
    warn(`${repositoryPath}: ${error.message}; the workflow is served without inputs and outputs`);
  }

  const inputs = nameNodes(nodes.filter((node) => node.direction === 'input'));
  const outputs = nameNodes(nodes.filter((node) => node.direction === 'output'));
  warnOnNameClashes(inputs, 'input', repositoryPath, warn);
  warnOnNameClashes(outputs, 'output', repositoryPath, warn);

  const sidecar = await readSidecar(workflowDir);
  if (sidecar.error) warn(sidecar.error);

  const segments = repositoryPath.split('/');
  return {
    path: repositoryPath,
    name: segments[segments.length - 1] ?? '',
    diskPath: workflowDir,
    inputs: inputs.map(toParameter).filter(isDefined),
    outputs: outputs.map(toParameter).filter(isDefined),
    inputResources: inputs.map(toResource).filter(isDefined),
    outputResources: outputs.map(toResource).filter(isDefined),
    openapi: buildFragments(inputs, outputs),
    simulation: sidecar.simulation,
    warnings,
    ...(sidecar.error ? { simulationError: sidecar.error } : {}),
  };
}
