/**
 * Helpers shared by the node readers: typed access to a node's model settings with KNIME's
 * defaults, and JSON-valued settings parsed into trees.
 */
import type { WarningSink } from './external-node.js';
import { type JsonNode, JsonTextError, parseJsonTree } from './json-tree.js';
import type { KnimeConfig } from './xml-config.js';

/** A node's settings with the context that error messages need. */
export interface NodeSettingsContext {
  /** The node's `model` config; an empty config when `settings.xml` has none. */
  readonly model: KnimeConfig;
  /** The whole `settings.xml`, for keys outside `model` such as `node_creation_config`. */
  readonly settings: KnimeConfig;
  /** Label for messages, such as `/Demo/Hello World, node 3 (Container Input (JSON))`. */
  readonly source: string;
  readonly warn: WarningSink;
}

/**
 * Reads `parameterName`. A missing or null entry makes KNIME reject the settings and keep the
 * node's default name, so the default is returned with a warning.
 */
export function readParameterName(context: NodeSettingsContext, defaultName: string): string {
  const name = context.model.string('parameterName');
  if (name === undefined || name === null) {
    context.warn(
      `${context.source}: setting "parameterName" is missing; using the node default "${defaultName}"`,
    );
    return defaultName;
  }
  return name;
}

/** Reads a string setting, returning `fallback` when it is missing or null. */
export function readString(context: NodeSettingsContext, key: string, fallback: string): string {
  return context.model.string(key) ?? fallback;
}

/** Reads a boolean setting, returning `fallback` when it is missing or not `true`/`false`. */
export function readBoolean(context: NodeSettingsContext, key: string, fallback: boolean): boolean {
  return context.model.boolean(key) ?? fallback;
}

/**
 * Reads a setting that holds JSON text. A missing entry yields `fallback`; unparseable text
 * yields `fallback` with a warning, because KNIME would reject the node's settings.
 */
export function readJsonSetting(context: NodeSettingsContext, key: string, fallback: JsonNode): JsonNode {
  const text = context.model.string(key);
  if (text === undefined || text === null) return fallback;
  try {
    return parseJsonTree(text, `${context.source}, setting "${key}"`);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    context.warn(`${error.message}; using the node default`);
    return fallback;
  }
}
