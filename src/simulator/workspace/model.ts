/**
 * In-memory model of a KNIME workspace folder, as the simulators serve it. The loader in this folder
 * builds it from KNIME's on-disk format; the Server and Hub apps only read it.
 */

/** Repository item types. KNIME Server uses the first two; `Data` stands for any other file. */
export type ItemType = 'Workflow' | 'WorkflowGroup' | 'Data';

export interface WorkspaceItem {
  /** Absolute repository path with `/` separators and decoded names, such as `/Examples/Q1 Sales`. */
  readonly path: string;
  /** Last path segment; `''` for the root. */
  readonly name: string;
  readonly type: ItemType;
  /** Absolute folder or file path on disk. */
  readonly diskPath: string;
  /** Stable id derived from the path, used by the Hub simulator as `*<id>`. */
  readonly id: string;
  /** Children of a WorkflowGroup, sorted by name; empty for other types. */
  readonly children: readonly WorkspaceItem[];
  /** Present when `type` is `Workflow`. */
  readonly workflow?: WorkflowModel;
}

/**
 * Value shapes of the Container Input/Output and legacy Quickform nodes. The name says which node
 * family produced the parameter, because the expected JSON differs per family.
 */
export type ParameterKind =
  | 'json'
  | 'table'
  | 'row'
  | 'variable'
  | 'credentials'
  | 'legacy-string'
  | 'legacy-integer'
  | 'legacy-double'
  | 'legacy-boolean'
  | 'legacy-json'
  | 'legacy-credentials'
  | 'legacy-other';

export interface ParameterModel {
  /** Name under which KNIME publishes the parameter: the short name, or the fully qualified one. */
  readonly name: string;
  /** Name the author set in the node (`parameterName`). */
  readonly shortName: string;
  /** `<shortName>-<node id path>`, such as `input-table-1` or `string-input-21:10`. */
  readonly fullyQualifiedName: string;
  /** Node id path relative to the workflow, without component `:0` segments, such as `21:10`. */
  readonly nodeIdPath: string;
  /** Node name from `settings.xml`, such as `Container Input (Table)`. */
  readonly nodeName: string;
  /** Factory class from `settings.xml`. */
  readonly factory: string;
  readonly kind: ParameterKind;
  readonly description: string;
  /** Whether the node rejects a run without a value (`inputRequired`, Container Input nodes). */
  readonly required: boolean;
  /** Example or default value, in the JSON shape a caller sends or receives. */
  readonly example: unknown;
  /** JSON schema of one property, exactly as KNIME writes it into the OpenAPI fragment. */
  readonly schema: Record<string, unknown>;
}

/**
 * Node families that exchange files instead of JSON values: Container Input/Output (File),
 * Container Input (Raw HTTP), Workflow Service Input/Output ports and the legacy File Upload node.
 */
export type ResourceKind = 'file' | 'raw-http' | 'workflow-service' | 'legacy-file-upload';

/** A file input or output (Container Input/Output (File), Workflow Service Input/Output ports). */
export interface ResourceModel {
  readonly name: string;
  readonly shortName: string;
  readonly fullyQualifiedName: string;
  readonly nodeIdPath: string;
  readonly nodeName: string;
  readonly description: string;
  /** MIME type published in the fragment's `encoding`. */
  readonly contentType: string;
  /** Factory class from `settings.xml`. Set by the workspace loader. */
  readonly factory?: string;
  /** Node family. Set by the workspace loader. */
  readonly kind?: ResourceKind;
  /**
   * Whether the node rejects a run without this file: true for a Container Input (File) node
   * without a default file. Set by the workspace loader.
   */
  readonly required?: boolean;
}

/** The OpenAPI fragments KNIME writes to `.artifacts/` when it saves a workflow. */
export interface OpenApiFragments {
  /** `{"type":"object","properties":{...}}`, or `{}` when the workflow has no such parameter. */
  readonly inputParameters: Record<string, unknown>;
  readonly outputParameters: Record<string, unknown>;
  /** `{"schema":{...},"encoding":{...}}`, or `{}` when there is none. */
  readonly inputResources: Record<string, unknown>;
  readonly outputResources: Record<string, unknown>;
}

export interface WorkflowModel {
  /** Repository path, same as the item's. */
  readonly path: string;
  readonly name: string;
  /** Absolute folder that holds `workflow.knime`. */
  readonly diskPath: string;
  readonly inputs: readonly ParameterModel[];
  readonly outputs: readonly ParameterModel[];
  readonly inputResources: readonly ResourceModel[];
  readonly outputResources: readonly ResourceModel[];
  readonly openapi: OpenApiFragments;
  /**
   * Parsed content of `knimectl-simulation.json` beside `workflow.knime`, not yet validated: the
   * simulator app that runs jobs owns its format. Undefined when the file is absent.
   */
  readonly simulation: unknown;
  /** Problems found while reading the workflow that did not stop the load (unknown node kinds, bad XML in one node). */
  readonly warnings: readonly string[];
  /**
   * Why `knimectl-simulation.json` exists but could not be read or parsed; `simulation` is then
   * undefined. A job runner should refuse to run the workflow rather than fall back to defaults.
   */
  readonly simulationError?: string;
}

export interface Workspace {
  /** Absolute path of the workspace folder. */
  readonly root: string;
  /** The root WorkflowGroup, path `/`. */
  readonly rootItem: WorkspaceItem;
  /** Finds an item by decoded repository path; `/` and `` are the root. Trailing slashes are ignored. */
  find(path: string): WorkspaceItem | undefined;
  /** Finds an item by its stable id (without the leading `*`). */
  findById(id: string): WorkspaceItem | undefined;
  /** All workflows, in path order. */
  workflows(): readonly WorkflowModel[];
  /** Problems found outside any workflow, such as an unreadable folder. Set by the workspace loader. */
  readonly warnings?: readonly string[];
}
