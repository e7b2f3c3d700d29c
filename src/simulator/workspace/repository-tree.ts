/**
 * Walks a workspace folder into repository items, the way KNIME lays out a workspace on disk:
 * a folder with `workflow.knime` is a workflow (its inner folders are nodes, not items), any other
 * folder is a workflow group, and any other file is a data item. Names starting with a dot and
 * KNIME's own `workflowset.meta` are skipped.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { itemIdForPath } from './ids.js';
import type { WorkspaceItem } from './model.js';
import { loadWorkflowModel } from './workflow-model.js';

/** Group-level files that KNIME writes for itself and never shows as items. */
const HIDDEN_FILES = new Set(['workflowset.meta']);

/** Deepest folder nesting the walk follows; it also stops symbolic link cycles. */
const MAX_DEPTH = 64;

interface TreeContext {
  readonly warnings: string[];
  /** Real paths of the groups on the current branch, to detect symbolic link cycles. */
  readonly branch: Set<string>;
}

function childPath(parentPath: string, name: string): string {
  return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
}

function isHidden(name: string): boolean {
  return name.startsWith('.') || HIDDEN_FILES.has(name);
}

/** Compares names by UTF-16 code units, so the order does not depend on the machine's locale. */
function byName(left: WorkspaceItem, right: WorkspaceItem): number {
  if (left.name < right.name) return -1;
  return left.name > right.name ? 1 : 0;
}

async function hasFile(folder: string, name: string): Promise<boolean> {
  try {
    return (await stat(join(folder, name))).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads the workflow group at `folder` with all its descendants.
 *
 * @param repositoryPath `/` for the workspace root
 */
export async function readGroup(
  folder: string,
  repositoryPath: string,
  warnings: string[],
): Promise<WorkspaceItem> {
  return readGroupAt({ warnings, branch: new Set() }, folder, repositoryPath, 0);
}

async function readGroupAt(
  context: TreeContext,
  folder: string,
  repositoryPath: string,
  depth: number,
): Promise<WorkspaceItem> {
  const segments = repositoryPath.split('/');
  const group = {
    path: repositoryPath,
    name: segments[segments.length - 1] ?? '',
    type: 'WorkflowGroup' as const,
    diskPath: folder,
    id: itemIdForPath(repositoryPath),
  };

  const real = await realpath(folder).catch(() => folder);
  if (context.branch.has(real) || depth > MAX_DEPTH) {
    context.warnings.push(
      `${repositoryPath}: folder ${folder} repeats an enclosing folder or nests too deep; shown empty`,
    );
    return { ...group, children: [] };
  }

  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    context.warnings.push(`${repositoryPath}: cannot list folder ${folder}: ${(error as Error).message}`);
    return { ...group, children: [] };
  }

  context.branch.add(real);
  const children: WorkspaceItem[] = [];
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    const child = await readChild(
      context,
      join(folder, entry.name),
      childPath(repositoryPath, entry.name),
      depth,
    );
    if (child) children.push(child);
  }
  context.branch.delete(real);

  return { ...group, children: children.sort(byName) };
}

async function readChild(
  context: TreeContext,
  diskPath: string,
  repositoryPath: string,
  depth: number,
): Promise<WorkspaceItem | undefined> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(diskPath)).isDirectory();
  } catch (error) {
    context.warnings.push(`${repositoryPath}: cannot read ${diskPath}: ${(error as Error).message}; skipped`);
    return undefined;
  }

  const name = repositoryPath.slice(repositoryPath.lastIndexOf('/') + 1);
  const id = itemIdForPath(repositoryPath);

  if (!isDirectory) {
    return { path: repositoryPath, name, type: 'Data', diskPath, id, children: [] };
  }
  if (await hasFile(diskPath, 'workflow.knime')) {
    const workflow = await loadWorkflowModel(diskPath, repositoryPath);
    return { path: repositoryPath, name, type: 'Workflow', diskPath, id, children: [], workflow };
  }
  // A shared component or metanode template: its inner folders are nodes, so it is one item.
  if (await hasFile(diskPath, 'template.knime')) {
    return { path: repositoryPath, name, type: 'Data', diskPath, id, children: [] };
  }
  return readGroupAt(context, diskPath, repositoryPath, depth + 1);
}
