/**
 * Parameter names as KNIME publishes them (`WorkflowManager.getExternalParameterHandles` in
 * knime-core), and the lookup KNIME applies to names sent by a caller.
 *
 * - The fully qualified (FQ) name is `<name>-<node id path>`, or the node id path alone when the
 *   name is empty. Component-internal `:0` segments are not part of the id path.
 * - Input nodes and output nodes are named separately. When two nodes of one direction share a
 *   name, both are published under their FQ names.
 * - Otherwise a node is published under its FQ name if its settings request it
 *   (`useFullyQualifiedName`, always for legacy Quickform nodes), else under its short name.
 */

/** The facts about one node that decide its published name. */
export interface NamingInput {
  readonly parameterKey: string;
  readonly nodeIdPath: string;
  readonly useFullyQualifiedName: boolean;
}

export interface PublishedName {
  /** Name under which the parameter is published. */
  readonly name: string;
  /** Short name, or the FQ name when another node of the same direction uses the same short name. */
  readonly uniqueShortName: string;
  readonly fullyQualifiedName: string;
}

/**
 * Builds the relative node id path KNIME uses in FQ names from the absolute id segments: every
 * `:0` is removed, as knime-core does with `StringUtils.remove(path, ":0")`. Component content
 * lives in a workflow with the local id 0, so component 21, inner node 10 (`21:0:10`) becomes
 * `21:10`.
 */
export function relativeNodeIdPath(segments: readonly number[]): string {
  return segments.join(':').replaceAll(':0', '');
}

export function fullyQualifiedName(parameterKey: string, nodeIdPath: string): string {
  return parameterKey === '' ? nodeIdPath : `${parameterKey}-${nodeIdPath}`;
}

/** Publishes names for the nodes of one direction, in the given order. */
export function publishNames(nodes: readonly NamingInput[]): PublishedName[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.parameterKey)) duplicates.add(node.parameterKey);
    seen.add(node.parameterKey);
  }

  return nodes.map((node) => {
    const fqName = fullyQualifiedName(node.parameterKey, node.nodeIdPath);
    const uniqueShortName = duplicates.has(node.parameterKey) ? fqName : node.parameterKey;
    return {
      name: node.useFullyQualifiedName ? fqName : uniqueShortName,
      uniqueShortName,
      fullyQualifiedName: fqName,
    };
  });
}

/**
 * A caller's name counts as fully qualified when it ends in `-<id>[:<id>…]` or is an id path
 * alone, such as `param-name-32:34` or `7`.
 * NOTE: inferred from knime-core's comment and examples; the exact expression is not public.
 */
const FULLY_QUALIFIED_PATTERN = /^(?:.+-)?\d+(?::\d+)*$/;

/** Names of one parameter, as the name lookup reads them. */
export interface NamedParameter {
  /** Name the author set in the node. */
  readonly shortName: string;
  readonly fullyQualifiedName: string;
}

/**
 * Finds the parameter a caller means, as KNIME does when it applies job inputs. A name that looks
 * fully qualified is compared with FQ names, any other name with the short names. A short name
 * that several nodes share only matches in its FQ form, so pass inputs and input resources
 * together.
 *
 * @returns the matching parameter, or `undefined`; {@link unknownParameterMessage} words the error
 */
export function resolveParameterName<T extends NamedParameter>(
  parameters: readonly T[],
  requested: string,
): T | undefined {
  if (FULLY_QUALIFIED_PATTERN.test(requested)) {
    return parameters.find((parameter) => parameter.fullyQualifiedName === requested);
  }
  const uniqueShortNames = uniqueShortNamesOf(parameters);
  return parameters.find((_parameter, index) => uniqueShortNames[index] === requested);
}

/** KNIME's message for a name that matches no node, listing the valid names. */
export function unknownParameterMessage(parameters: readonly NamedParameter[], requested: string): string {
  const valid = uniqueShortNamesOf(parameters).map((name) => `"${name}"`);
  return `Parameter name "${requested}" doesn't match any node in the workflow, valid parameter names are: [${valid.join(', ')}]`;
}

function uniqueShortNamesOf(parameters: readonly NamedParameter[]): string[] {
  const counts = new Map<string, number>();
  for (const parameter of parameters) {
    counts.set(parameter.shortName, (counts.get(parameter.shortName) ?? 0) + 1);
  }
  return parameters.map((parameter) =>
    (counts.get(parameter.shortName) ?? 0) > 1 ? parameter.fullyQualifiedName : parameter.shortName,
  );
}
