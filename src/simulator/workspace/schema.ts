/**
 * JSON schema derived from an example value, the way KNIME Analytics Platform derives it when it
 * writes `.artifacts/openapi-*-parameters.json` (`OpenAPIDefinitionGenerator.translateToSchema`
 * in knime-core).
 */
import type { JsonNode } from './json-tree.js';

/**
 * Derives the schema of one example value.
 *
 * - objects: `type: object` with one property per key;
 * - integral numbers: `type: integer`, other numbers `type: number`, both with the value as `default`;
 * - strings: `type: string` with `default`;
 * - booleans: `type: boolean` with `default` as the string `"true"` or `"false"`, as KNIME writes it;
 * - arrays: `type: array` with the schema of the first item as `items` (no `items` when empty);
 * - `null`: an empty schema `{}`.
 */
export function schemaFromExample(node: JsonNode): Record<string, unknown> {
  switch (node.type) {
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [key, value] of node.entries) {
        Object.defineProperty(properties, key, {
          value: schemaFromExample(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return { type: 'object', properties };
    }
    case 'number':
      return { type: node.integral ? 'integer' : 'number', default: node.value };
    case 'string':
      return { type: 'string', default: node.value };
    case 'boolean':
      return { type: 'boolean', default: String(node.value) };
    case 'array': {
      const first = node.items[0];
      return first === undefined ? { type: 'array' } : { type: 'array', items: schemaFromExample(first) };
    }
    case 'null':
      return {};
  }
}
