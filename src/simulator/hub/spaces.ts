import type { WorkflowModel, Workspace, WorkspaceItem } from '../workspace/model.js';
import type { Account, AccountDirectory } from './accounts.js';
import { HubError } from './http.js';
import type { HubAppOptions, HubItemVersion } from './options.js';

/** A workspace item as the Hub serves it: inside a space of an account. */
export interface HubItem {
  /** `*` followed by the workspace item's stable id. */
  readonly id: string;
  readonly item: WorkspaceItem;
  /** `/Users/<owner name>/<space>/...`. */
  readonly path: string;
  /** `/Users/<owner account id>/<space>/...`. */
  readonly canonicalPath: string;
  readonly owner: Account;
  /** The space folder itself is of type `Space`. */
  readonly type: 'Space' | 'WorkflowGroup' | 'Workflow' | 'Data';
  /** Id of the space holding the item (its own id for a space). */
  readonly spaceId: string;
}

/** A workflow picked by `workflowUri` and `itemVersion`. */
export interface WorkflowReference {
  readonly item: HubItem;
  readonly workflow: WorkflowModel;
  /** Named version, or undefined for the current state. */
  readonly version: number | undefined;
}

/**
 * Maps the workspace folder tree onto Hub spaces (see {@link HubAppOptions.spaceMapping}) and
 * resolves `workflowUri` values: `*<id>` or `/Users/<account>/<space>/<path>`.
 */
export class SpaceDirectory {
  readonly #byPath = new Map<string, HubItem>();
  readonly #byId = new Map<string, HubItem>();
  readonly #byWorkspacePath = new Map<string, HubItem>();
  readonly #versions: Readonly<Record<string, readonly HubItemVersion[]>>;
  /** Workspace items that no space holds, such as workflows directly in the workspace root. */
  readonly unmapped: string[] = [];

  constructor(
    workspace: Workspace,
    accounts: AccountDirectory,
    options: Pick<HubAppOptions, 'spaceMapping' | 'itemVersions' | 'rootSpaceName'>,
  ) {
    this.#versions = options.itemVersions;
    const defaultOwner = accounts.teams[0] ?? accounts.users[0];
    if (!defaultOwner) throw new RangeError('The Hub simulator needs a team or user to own the spaces');

    const loose = workspace.rootItem.children.filter((child) => child.type !== 'WorkflowGroup');
    if (options.spaceMapping === 'folders' && loose.length > 0) {
      if (workspace.rootItem.children.some((child) => child.name === options.rootSpaceName)) {
        throw new RangeError(
          `The workspace has a top-level folder "${options.rootSpaceName}" and loose workflows; set rootSpaceName to another space name`,
        );
      }
      this.#addSpace(workspace.rootItem, defaultOwner, options.rootSpaceName, loose);
    }

    for (const top of workspace.rootItem.children) {
      if (options.spaceMapping === 'folders') {
        if (top.type === 'WorkflowGroup') this.#addSpace(top, defaultOwner);
        continue;
      }
      if (top.type !== 'WorkflowGroup') {
        this.unmapped.push(top.path);
        continue;
      }
      const owner = accounts.byName(top.name) ?? accounts.addTeam(top.name);
      for (const space of top.children) this.#addSpace(space, owner);
    }
    for (const [key, versions] of Object.entries(this.#versions)) {
      const item = this.#byWorkspacePath.get(key) ?? this.#byPath.get(key) ?? this.#byId.get(key);
      if (!item)
        throw new RangeError(
          `itemVersions: item "${key}" not found in the workspace; use a workspace path such as /Examples/Hello`,
        );
      for (const version of versions) {
        if (!Number.isInteger(version.version) || version.version < 1) {
          throw new RangeError(
            `itemVersions of "${key}": version ${version.version} must be a whole number >= 1`,
          );
        }
      }
    }
  }

  /**
   * Adds `folder` as a space named `name` (its own name by default) holding `children` (all of its
   * children by default).
   */
  #addSpace(folder: WorkspaceItem, owner: Account, name = folder.name, children = folder.children): void {
    if (folder.type !== 'WorkflowGroup') {
      this.unmapped.push(folder.path);
      return;
    }
    const spaceId = `*${folder.id}`;
    const visit = (item: WorkspaceItem, relative: string[], itemChildren: readonly WorkspaceItem[]) => {
      const tail = relative.map((segment) => `/${segment}`).join('');
      const hubItem: HubItem = {
        id: `*${item.id}`,
        item,
        path: `/Users/${owner.name}${tail}`,
        canonicalPath: `/Users/${owner.id}${tail}`,
        owner,
        type: item === folder ? 'Space' : item.type,
        spaceId,
      };
      this.#byPath.set(hubItem.path, hubItem);
      this.#byId.set(hubItem.id, hubItem);
      this.#byWorkspacePath.set(item.path, hubItem);
      for (const child of itemChildren) visit(child, [...relative, child.name], child.children);
    };
    visit(folder, [name], children);
  }

  /** Lists all items in path order. */
  items(): HubItem[] {
    return [...this.#byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Finds the item at a Hub path or `*id`; a trailing slash is ignored. */
  find(uri: string): HubItem | undefined {
    if (uri.startsWith('*')) return this.#byId.get(uri);
    const path = uri.length > 1 ? uri.replace(/\/+$/, '') : uri;
    return this.#byPath.get(path);
  }

  /** Finds the Hub item of a workspace path, such as `/Examples/Hello`. */
  ofWorkspacePath(path: string): HubItem | undefined {
    return this.#byWorkspacePath.get(path);
  }

  /** Named versions of an item, oldest first. */
  versionsOf(item: HubItem): readonly HubItemVersion[] {
    const versions =
      this.#versions[item.item.path] ?? this.#versions[item.path] ?? this.#versions[item.id] ?? [];
    return [...versions].sort((a, b) => a.version - b.version);
  }

  /**
   * Resolves `workflowUri` plus `itemVersion` to a workflow.
   *
   * @param missingStatus status for an unknown item or version: 404, or 422 on the operations whose
   *   spec declares no 404 (`POST /jobs`, deployment creation, `GET /jobs/open-api`, job lists)
   * @throws {HubError} 422 for a missing `workflowUri` or a malformed version, `missingStatus` for an
   *   unknown item or version, 422 for an item that is not a workflow.
   */
  resolveWorkflow(
    workflowUri: string | undefined,
    itemVersion: string | undefined,
    missingStatus: 404 | 422 = 404,
  ): WorkflowReference {
    if (workflowUri === undefined || workflowUri.trim() === '') {
      throw new HubError(422, 'Invalid query parameters.', [
        "'workflowUri' is required: give the workflow's item id (*<id>) or its path (/Users/<account>/<space>/...).",
      ]);
    }
    const item = this.find(workflowUri);
    if (!item) throw new HubError(missingStatus, `Item '${workflowUri}' does not exist.`);
    if (item.type !== 'Workflow' || !item.item.workflow) {
      throw new HubError(422, `Item '${workflowUri}' is a ${item.type}, not a workflow.`);
    }
    return {
      item,
      workflow: item.item.workflow,
      version: this.resolveVersion(item, itemVersion, missingStatus),
    };
  }

  /**
   * `itemVersion`: absent, empty or `current-state` is the current state; `most-recent` the newest
   * named version; a positive integer that version.
   *
   * @throws {HubError} 422 for another value or `most-recent` without versions, `missingStatus` for
   *   an unknown version.
   */
  resolveVersion(
    item: HubItem,
    itemVersion: string | undefined,
    missingStatus: 404 | 422 = 404,
  ): number | undefined {
    if (itemVersion === undefined || itemVersion === '' || itemVersion === 'current-state') return undefined;
    const versions = this.versionsOf(item);
    if (itemVersion === 'most-recent') {
      const newest = versions.at(-1);
      if (!newest) {
        throw new HubError(422, `Item '${item.id}' has no versions.`, [
          "Create a version first, or omit 'itemVersion' to use the current state.",
        ]);
      }
      return newest.version;
    }
    if (!/^\d+$/.test(itemVersion) || Number(itemVersion) < 1) {
      throw new HubError(422, 'Invalid query parameters.', [
        `'itemVersion=${itemVersion}' is not a version; use a positive number, 'most-recent' or 'current-state'.`,
      ]);
    }
    const version = Number(itemVersion);
    if (!versions.some((candidate) => candidate.version === version)) {
      throw new HubError(missingStatus, `Version ${version} of item '${item.id}' does not exist.`);
    }
    return version;
  }
}
