/**
 * Entry point of the workspace reader: loads a KNIME workspace folder into the model the
 * simulators serve (`model.ts`).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { WorkflowModel, Workspace, WorkspaceItem } from './model.js';
import { readGroup } from './repository-tree.js';

export { resolveParameterName, unknownParameterMessage } from './naming.js';
export { openApiDocument } from './openapi-document.js';

/** Raised when the workspace folder is missing or is not a folder of workflows. */
export class WorkspaceLoadError extends Error {
  override readonly name = 'WorkspaceLoadError';
}

/**
 * Normalises a decoded repository path: a leading `/` is added, trailing slashes are dropped,
 * and `''` becomes the root `/`.
 */
export function normaliseRepositoryPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Orders strings by UTF-16 code units, independent of the machine's locale. */
function compareCodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  if (left > right) return 1;
  return 0;
}

function indexItems(root: WorkspaceItem) {
  const byPath = new Map<string, WorkspaceItem>();
  const byId = new Map<string, WorkspaceItem>();
  const workflows: WorkflowModel[] = [];
  const collisions: string[] = [];

  const visit = (item: WorkspaceItem) => {
    byPath.set(item.path, item);
    const other = byId.get(item.id);
    if (other) collisions.push(`${other.path} and ${item.path} share the item id ${item.id}`);
    byId.set(item.id, item);
    if (item.workflow) workflows.push(item.workflow);
    for (const child of item.children) visit(child);
  };
  visit(root);

  workflows.sort((left, right) => compareCodeUnits(left.path, right.path));
  return { byPath, byId, workflows, collisions };
}

/**
 * Loads the workspace in `dir`.
 *
 * Problems inside single workflows or folders do not stop the load: they are listed in each
 * workflow's `warnings` and in the workspace's `warnings`.
 *
 * @throws WorkspaceLoadError when `dir` does not exist, is not a folder, or is itself a workflow
 */
export async function loadWorkspace(dir: string): Promise<Workspace> {
  const root = resolve(dir);

  let isDirectory = false;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (error) {
    throw new WorkspaceLoadError(`workspace folder ${root} cannot be read: ${(error as Error).message}`);
  }
  if (!isDirectory) {
    throw new WorkspaceLoadError(
      `workspace folder ${root} is not a folder; pass the folder that contains the workflows`,
    );
  }
  if (await isFile(join(root, 'workflow.knime'))) {
    throw new WorkspaceLoadError(
      `${root} is a workflow folder (it has workflow.knime); pass the folder that contains it as the workspace`,
    );
  }

  const warnings: string[] = [];
  const rootItem = await readGroup(root, '/', warnings);
  const { byPath, byId, workflows, collisions } = indexItems(rootItem);
  warnings.push(...collisions);

  return {
    root,
    rootItem,
    find: (path) => byPath.get(normaliseRepositoryPath(path)),
    findById: (id) => byId.get(id.startsWith('*') ? id.slice(1) : id),
    workflows: () => workflows,
    warnings,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
