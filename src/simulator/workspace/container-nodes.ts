/**
 * Readers for the Container Input/Output nodes of knime-json (AP 3.6 to 5.x layouts). Each turns
 * a node's model settings into the parameter or resource the node publishes before it runs,
 * following the nodes' `getInputData()` / `getExternalOutput()` in knime-json.
 */
import {
  DEFAULT_CREDENTIALS_EXAMPLE,
  DEFAULT_ROW_TEMPLATE,
  DEFAULT_TABLE_EXAMPLE,
  DEPRECATED_VARIABLE_EXAMPLE,
  firstRowAsObject,
  isContainerTable,
  withoutTableSpec,
} from './container-examples.js';
import type { ExternalNodeSettings } from './external-node.js';
import { JSON_NULL, type JsonNode, jsonNumber, jsonObject, jsonString } from './json-tree.js';
import type { ParameterKind } from './model.js';
import {
  type NodeSettingsContext,
  readBoolean,
  readJsonSetting,
  readParameterName,
  readString,
} from './setting-readers.js';
import { typedEntryValue } from './xml-config.js';

/** Content type KNIME publishes for a resource whose node names none. */
export const OCTET_STREAM = 'application/octet-stream';

/**
 * `useFullyQualifiedName` appeared in AP 4.3. Nodes saved earlier have no such entry and KNIME
 * reads it as `true`, so they keep publishing `<name>-<node id>`.
 */
function useFullyQualifiedName(context: NodeSettingsContext): boolean {
  return readBoolean(context, 'useFullyQualifiedName', true);
}

function parameter(
  context: NodeSettingsContext,
  direction: 'input' | 'output',
  defaultName: string,
  kind: ParameterKind,
  example: JsonNode,
): ExternalNodeSettings {
  return {
    direction,
    parameterKey: readParameterName(context, defaultName),
    useFullyQualifiedName: useFullyQualifiedName(context),
    description: readString(context, 'description', ''),
    required: false,
    value: { kind, example },
  };
}

/** Template of the Table nodes: `exampleInput`/`exampleOutput`, without `table-spec` when `omitTableSpec` is set. */
function tableExample(context: NodeSettingsContext, key: string): JsonNode {
  const template = readJsonSetting(context, key, DEFAULT_TABLE_EXAMPLE);
  if (!isContainerTable(template)) {
    context.warn(
      `${context.source}: setting "${key}" is not a table with "table-data"; using the node default`,
    );
    return DEFAULT_TABLE_EXAMPLE;
  }
  return readBoolean(context, 'omitTableSpec', false) ? withoutTableSpec(template) : template;
}

export function readTableInput(context: NodeSettingsContext): ExternalNodeSettings {
  return parameter(context, 'input', 'table-input', 'table', tableExample(context, 'exampleInput'));
}

export function readTableOutput(context: NodeSettingsContext): ExternalNodeSettings {
  return parameter(context, 'output', 'table-output', 'table', tableExample(context, 'exampleOutput'));
}

export function readRowInput(context: NodeSettingsContext): ExternalNodeSettings {
  const template = readJsonSetting(context, 'templateRow', DEFAULT_ROW_TEMPLATE);
  let example = firstRowAsObject(template);
  if (example === undefined) {
    context.warn(
      `${context.source}: setting "templateRow" has no usable "table-spec"; publishing an empty row`,
    );
    example = jsonObject([]);
  }
  return parameter(context, 'input', 'row-input', 'row', example);
}

/** Container Output (Row) has no example setting: before it runs it publishes `null`. */
export function readRowOutput(context: NodeSettingsContext): ExternalNodeSettings {
  return parameter(context, 'output', 'row-output', 'row', JSON_NULL);
}

/**
 * JSON Input / Container Input (JSON). The node was called "JSON Input" before AP 4.0; the kind
 * `legacy-json` records that generation, the value shape is the same.
 */
export function readJsonInput(context: NodeSettingsContext, nodeName: string): ExternalNodeSettings {
  const kind = nodeName === 'JSON Input' ? 'legacy-json' : 'json';
  return parameter(context, 'input', 'json-input', kind, readJsonSetting(context, 'json', jsonObject([])));
}

/** JSON Output / Container Output (JSON): publishes `exampleJson`, `{}` when the setting is missing. */
export function readJsonOutput(context: NodeSettingsContext, nodeName: string): ExternalNodeSettings {
  const kind = nodeName === 'JSON Output' ? 'legacy-json' : 'json';
  return parameter(
    context,
    'output',
    'json-output',
    kind,
    readJsonSetting(context, 'exampleJson', jsonObject([])),
  );
}

export function readCredentialsInput(context: NodeSettingsContext): ExternalNodeSettings {
  const example = readJsonSetting(context, 'exampleInput', DEFAULT_CREDENTIALS_EXAMPLE);
  return parameter(context, 'input', 'credential-input', 'credentials', example);
}

/** The Container Input (Variable) node deprecated in AP 4.4: `{"variables": [{name: value}, …]}`. */
export function readDeprecatedVariableInput(context: NodeSettingsContext): ExternalNodeSettings {
  return parameter(context, 'input', 'variable-input', 'variable', DEPRECATED_VARIABLE_EXAMPLE);
}

/**
 * The current Container Input (Variable) node. Its example lists the variables of the node's
 * specification table only when "require specification" is set; otherwise it is `{}`. With the
 * "simple JSON" option and exactly one variable, the example is that variable's bare value.
 */
export function readVariableInput(context: NodeSettingsContext): ExternalNodeSettings {
  const variables = readRequiredVariables(context);
  const simple = readBoolean(context, 'useSimpleJsonSpec', false);
  const onlyVariable = variables.length === 1 ? variables[0] : undefined;
  const example = simple && onlyVariable ? onlyVariable[1] : jsonObject(variables);
  return parameter(context, 'input', 'variable-input', 'variable', example);
}

function readRequiredVariables(context: NodeSettingsContext): [string, JsonNode][] {
  if (!readBoolean(context, 'requireSpecification', false)) return [];

  const table = context.model.config('variables');
  const types = table?.stringArray('types') ?? [];
  const names = table?.stringArray('names') ?? [];
  const values = table?.stringArray('values') ?? [];
  if (types.length !== names.length || names.length !== values.length) {
    context.warn(
      `${context.source}: the variable table has ${types.length} types, ${names.length} names and ${values.length} values; ignoring it`,
    );
    return [];
  }

  return names.map((name, index) => [
    (name ?? '').trim(),
    variableValue(types[index] ?? 'str', values[index] ?? ''),
  ]);
}

/** Converts a value of the variable table (stored as text) by its type code: `str`, `int`, `long`, `double`, `bool`. */
function variableValue(typeCode: string, text: string): JsonNode {
  switch (typeCode) {
    case 'int':
    case 'long':
      return jsonNumber(Number.parseInt(text.trim(), 10) || 0, true);
    case 'double':
      return jsonNumber(Number(text.trim()) || 0, false);
    case 'bool':
      return { type: 'boolean', value: text.trim().toLowerCase() === 'true' };
    default:
      return jsonString(text);
  }
}

/**
 * Container Input (File). It is required unless "use a default file" is set (`useDefaultFile`).
 * Settings of this node always carry `useFullyQualifiedName`, it was added after AP 4.3.
 */
export function readFileInput(context: NodeSettingsContext): ExternalNodeSettings {
  return {
    direction: 'input',
    parameterKey: readParameterName(context, 'input-file'),
    useFullyQualifiedName: useFullyQualifiedName(context),
    description: readString(context, 'description', ''),
    required: !readBoolean(context, 'useDefaultFile', false),
    resource: { kind: 'file', contentType: OCTET_STREAM },
  };
}

export function readFileOutput(context: NodeSettingsContext): ExternalNodeSettings {
  return {
    direction: 'output',
    parameterKey: readParameterName(context, 'file-output'),
    useFullyQualifiedName: useFullyQualifiedName(context),
    description: readString(context, 'description', ''),
    required: false,
    resource: { kind: 'file', contentType: OCTET_STREAM },
  };
}

/**
 * Container Input (Raw HTTP): a fixed name, always fully qualified. KNIME only feeds it through
 * the raw-execution endpoint; it is published as an input resource.
 */
export function readRawHttpInput(): ExternalNodeSettings {
  return {
    direction: 'input',
    parameterKey: 'raw-http-input',
    useFullyQualifiedName: true,
    description: '',
    required: false,
    resource: { kind: 'raw-http', contentType: OCTET_STREAM },
  };
}

/**
 * Container Output (Raw HTTP): a fixed short name. Before it runs it publishes neither a value
 * nor a resource, so it takes part in naming but appears in no fragment.
 */
export function readRawHttpOutput(): ExternalNodeSettings {
  return {
    direction: 'output',
    parameterKey: 'raw-http-output',
    useFullyQualifiedName: false,
    description: '',
    required: false,
  };
}

/** Converts an XMLConfig entry to a JSON node; used for the legacy nodes' `defaultValue` configs. */
export function entryToJson(entry: { type: string; value: string | null }): JsonNode {
  const value = typedEntryValue({ key: '', ...entry });
  if (value === null) return JSON_NULL;
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number') {
    return jsonNumber(value, entry.type !== 'xdouble' && entry.type !== 'xfloat');
  }
  return jsonString(value);
}
