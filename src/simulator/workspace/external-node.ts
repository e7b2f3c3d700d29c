/**
 * One node that a workflow exposes to REST callers: an input or output parameter, or a file
 * resource. The node readers fill in what a node's settings say; the workflow walk adds the node
 * id path; the naming step turns the collection into published names.
 */
import type { JsonNode } from './json-tree.js';
import type { ParameterKind, ResourceKind } from './model.js';

export type Direction = 'input' | 'output';

/** What a node reader derives from one node's `settings.xml`. */
export interface ExternalNodeSettings {
  readonly direction: Direction;
  /**
   * Name as the node reports it (`parameterName`). May be empty for nodes saved before KNIME 2.12;
   * such a node is published under its node id path alone.
   */
  readonly parameterKey: string;
  /** Whether the node asks for the fully qualified name even without a name clash. */
  readonly useFullyQualifiedName: boolean;
  readonly description: string;
  /** Whether the node rejects a run that does not set it. */
  readonly required: boolean;
  /** The JSON value the node publishes, for parameter nodes. */
  readonly value?: { readonly kind: ParameterKind; readonly example: JsonNode };
  /** The file the node publishes or accepts, for resource nodes. */
  readonly resource?: { readonly kind: ResourceKind; readonly contentType: string };
}

/** A node found in a workflow, with its place in the node tree. */
export interface ExternalNode extends ExternalNodeSettings {
  /** Node id path relative to the workflow without component `:0` segments, such as `21:10`. */
  readonly nodeIdPath: string;
  readonly nodeName: string;
  readonly factory: string;
}

/** Receives problems that do not stop loading, such as an unreadable node settings file. */
export type WarningSink = (message: string) => void;
