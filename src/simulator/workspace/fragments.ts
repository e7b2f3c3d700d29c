/**
 * The OpenAPI fragments KNIME Analytics Platform writes to `.artifacts/` when it saves a workflow
 * (`OpenAPIDefinitionGenerator` in knime-core), built from the named external nodes.
 */
import type { ExternalNode } from './external-node.js';
import { toPlainJson } from './json-tree.js';
import type { OpenApiFragments } from './model.js';
import type { PublishedName } from './naming.js';
import { schemaFromExample } from './schema.js';

export interface NamedNode {
  readonly node: ExternalNode;
  readonly published: PublishedName;
}

function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The fragment property of one parameter node: the schema derived from its example, then
 * `description` and `example`.
 */
export function parameterProperty(node: ExternalNode): Record<string, unknown> | undefined {
  if (!node.value) return undefined;
  return {
    ...schemaFromExample(node.value.example),
    description: node.description,
    example: toPlainJson(node.value.example),
  };
}

/**
 * `{"type":"object","properties":{…}}` over the nodes that publish a JSON value. KNIME writes the
 * wrapper as soon as the direction has any node, even one that only publishes a file, and `{}`
 * when it has none.
 */
export function parametersFragment(nodes: readonly NamedNode[]): Record<string, unknown> {
  if (nodes.length === 0) return {};
  const properties: Record<string, unknown> = {};
  for (const { node, published } of nodes) {
    const property = parameterProperty(node);
    if (property) setProperty(properties, published.name, property);
  }
  return { type: 'object', properties };
}

/**
 * `{"schema":{…},"encoding":{…}}` over the nodes that exchange files (multipart parts of type
 * `string`/`binary`), or `{}` when there are none.
 */
export function resourcesFragment(nodes: readonly NamedNode[]): Record<string, unknown> {
  const withResource = nodes.filter(({ node }) => node.resource !== undefined);
  if (withResource.length === 0) return {};

  const properties: Record<string, unknown> = {};
  const encoding: Record<string, unknown> = {};
  for (const { node, published } of withResource) {
    setProperty(properties, published.name, { type: 'string', format: 'binary' });
    setProperty(encoding, published.name, { contentType: node.resource?.contentType });
  }
  return { schema: { type: 'object', properties }, encoding };
}

export function buildFragments(
  inputs: readonly NamedNode[],
  outputs: readonly NamedNode[],
): OpenApiFragments {
  return {
    inputParameters: parametersFragment(inputs),
    outputParameters: parametersFragment(outputs),
    inputResources: resourcesFragment(inputs),
    outputResources: resourcesFragment(outputs),
  };
}
