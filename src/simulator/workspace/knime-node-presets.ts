/**
 * `settings.xml` contents of the nodes the demo workspace and the tests author, in the layout
 * KNIME 5.x saves them.
 */
import {
  booleanEntry,
  config,
  intEntry,
  type NodeSettingsSpec,
  stringArrayConfig,
  stringEntry,
  type XmlNode,
} from './knime-writer.js';

const CONTAINER = 'org.knime.json.node.container';
const QUICKFORM = 'org.knime.js.base.node.quickform.input';
const QUICKFORM_BUNDLE = { name: 'KNIME Quick Form Nodes', symbolicName: 'org.knime.js.quickforms' };

/** Options every Container node shares. */
export interface ContainerOptions {
  readonly parameterName: string;
  readonly description?: string;
  /** Publish as `<name>-<node id>` even without a name clash; KNIME 5.x saves `false` by default. */
  readonly useFullyQualifiedName?: boolean;
}

/** Pretty JSON text as KNIME's dialogs save it. */
function jsonText(example: unknown): string {
  return JSON.stringify(example, null, 4);
}

/** Example of a JSON node: a JSON value, or `exampleText` when the exact text matters (`42.0`). */
type JsonExample =
  | { readonly example: unknown; readonly exampleText?: undefined }
  | { readonly exampleText: string };

function exampleText(options: JsonExample): string {
  return options.exampleText ?? jsonText((options as { example: unknown }).example);
}

function commonEntries(options: ContainerOptions): XmlNode[] {
  return [
    stringEntry('parameterName', options.parameterName),
    booleanEntry('useFullyQualifiedName', options.useFullyQualifiedName ?? false),
    stringEntry('description', options.description ?? ''),
  ];
}

/** Container Input (JSON). `example` is a JSON value, or JSON text when a string. */
export function containerJsonInput(
  options: ContainerOptions & { readonly example: unknown },
): NodeSettingsSpec {
  return {
    factory: 'org.knime.json.node.input.JSONInputNodeFactory',
    nodeName: 'Container Input (JSON)',
    model: [...commonEntries(options), stringEntry('json', exampleText(options))],
  };
}

/** Container Output (JSON). */
export function containerJsonOutput(
  options: ContainerOptions & { readonly example: unknown },
): NodeSettingsSpec {
  return {
    factory: 'org.knime.json.node.output.JSONOutputNodeFactory',
    nodeName: 'Container Output (JSON)',
    model: [
      ...commonEntries(options),
      stringEntry('jsonColumnName', 'json'),
      booleanEntry('keepOneRowTablesSimple', true),
      stringEntry('exampleJson', exampleText(options)),
    ],
  };
}

/** A table in the Container shape: `table-spec` (one `{column: type}` per column) and `table-data` rows. */
export interface ContainerTable {
  readonly 'table-spec': readonly Readonly<Record<string, string>>[];
  readonly 'table-data': readonly (readonly unknown[])[];
}

type TableOptions = ContainerOptions & { readonly table: ContainerTable };

function tableNode(direction: 'input' | 'output', options: TableOptions): NodeSettingsSpec {
  const isInput = direction === 'input';
  return {
    factory: `${CONTAINER}.${direction}.table.${isInput ? 'ContainerTableInputNodeFactory' : 'ContainerTableOutputNodeFactory'}`,
    nodeName: isInput ? 'Container Input (Table)' : 'Container Output (Table)',
    model: [
      ...commonEntries(options),
      stringEntry(isInput ? 'inputPathOrUrl' : 'outputPathOrUrl', null),
      booleanEntry('useEntireTable', true),
      intEntry('numberOfRows', 10),
      booleanEntry('omitTableSpec', false),
      stringEntry(isInput ? 'exampleInput' : 'exampleOutput', jsonText(options.table)),
    ],
  };
}

export function containerTableInput(options: TableOptions): NodeSettingsSpec {
  return tableNode('input', options);
}

export function containerTableOutput(options: TableOptions): NodeSettingsSpec {
  return tableNode('output', options);
}

/** One row of the Container Input (Variable) specification table. */
export interface VariableSpec {
  readonly name: string;
  readonly type: 'str' | 'int' | 'long' | 'double' | 'bool';
  /** Default value as the dialog stores it, as text. */
  readonly value: string;
}

/**
 * Builds the settings of the current Container Input (Variable) node. With variables given, "require specification" is
 * set, so the node publishes them as its example.
 */
export function containerVariableInput(
  options: ContainerOptions & { readonly variables?: readonly VariableSpec[]; readonly simpleJson?: boolean },
): NodeSettingsSpec {
  const variables = options.variables ?? [];
  return {
    factory: `${CONTAINER}.input.variable2.ContainerVariableInputNodeFactory2`,
    nodeName: 'Container Input (Variable)',
    model: [
      ...commonEntries(options),
      stringEntry('inputPathOrUrl', null),
      config('variables', [
        stringArrayConfig('supportedTypes', ['str', 'int', 'long', 'double', 'bool']),
        stringArrayConfig(
          'types',
          variables.map((variable) => variable.type),
        ),
        stringArrayConfig(
          'names',
          variables.map((variable) => variable.name),
        ),
        stringArrayConfig(
          'values',
          variables.map((variable) => variable.value),
        ),
      ]),
      booleanEntry('useSimpleJsonSpec', options.simpleJson ?? false),
      booleanEntry('mergeVariables', false),
      booleanEntry('requireSpecification', variables.length > 0),
    ],
  };
}

/** Container Input (File). Without a default file the node requires an upload. */
export function containerFileInput(
  options: ContainerOptions & { readonly useDefaultFile?: boolean },
): NodeSettingsSpec {
  return {
    factory: `${CONTAINER}.input.file.ContainerFileInputNodeFactory`,
    nodeName: 'Container Input (File)',
    model: [
      ...commonEntries(options),
      stringEntry('inputPathOrUrl', ''),
      booleanEntry('useDefaultFile', options.useDefaultFile ?? false),
      stringEntry('outputVariableName', 'location'),
    ],
  };
}

/** Container Output (File); `flowVariable` names the path variable the node exports. */
export function containerFileOutput(
  options: ContainerOptions & { readonly flowVariable?: string },
): NodeSettingsSpec {
  return {
    factory: `${CONTAINER}.output.file.ContainerFileOutputNodeFactory`,
    nodeName: 'Container Output (File)',
    model: [
      ...commonEntries(options),
      stringEntry('inputPathOrUrl', ''),
      stringEntry('selectedFlowVariableName', options.flowVariable ?? 'location'),
    ],
  };
}

/** Options of the legacy Quickform input nodes, which KNIME always publishes as `<name>-<node id>`. */
export interface QuickformOptions {
  readonly parameterName: string;
  readonly label?: string;
  readonly description?: string;
}

function quickformEntries(options: QuickformOptions, defaultValue: readonly XmlNode[]): XmlNode[] {
  return [
    config('defaultValue', defaultValue),
    stringEntry('label', options.label ?? options.parameterName),
    stringEntry('description', options.description ?? ''),
    booleanEntry('hideInWizard', false),
    booleanEntry('hideInDialog', false),
    booleanEntry('required', true),
    stringEntry('parameterName', options.parameterName),
    stringEntry('flowvariablename', options.parameterName),
  ];
}

/** Legacy Integer Input (Quickform). */
export function legacyIntegerInput(options: QuickformOptions & { readonly value: number }): NodeSettingsSpec {
  return {
    factory: `${QUICKFORM}.integer.IntInputQuickFormNodeFactory`,
    nodeName: 'Integer Input',
    bundle: QUICKFORM_BUNDLE,
    model: [
      ...quickformEntries(options, [intEntry('integer', options.value)]),
      booleanEntry('use_min', true),
      booleanEntry('use_max', false),
      intEntry('min', 0),
      intEntry('max', 100),
    ],
  };
}

/** Legacy String Input (Quickform). */
export function legacyStringInput(options: QuickformOptions & { readonly value: string }): NodeSettingsSpec {
  return {
    factory: `${QUICKFORM}.string.StringInputQuickFormNodeFactory`,
    nodeName: 'String Input',
    bundle: QUICKFORM_BUNDLE,
    model: [
      ...quickformEntries(options, [stringEntry('string', options.value)]),
      stringEntry('regex', ''),
      stringEntry('error_message', ''),
    ],
  };
}

/** Any other node, given by factory class, display name and model settings; not a REST parameter. */
export function plainNode(
  factory: string,
  nodeName: string,
  model: readonly XmlNode[] = [],
): NodeSettingsSpec {
  return { factory, nodeName, model, bundle: { name: 'KNIME Base Nodes', symbolicName: 'org.knime.base' } };
}
