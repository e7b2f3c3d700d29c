/**
 * Readers for the legacy Quickform input nodes of knime-js-base (String Input, Integer Input,
 * Credentials Input …). They are always published under their fully qualified name, never
 * require a value, and publish the JSON form of their default value.
 */
import { entryToJson, OCTET_STREAM } from './container-nodes.js';
import type { ExternalNodeSettings } from './external-node.js';
import { JSON_NULL, type JsonNode, jsonBoolean, jsonNumber, jsonObject, jsonString } from './json-tree.js';
import type { ParameterKind } from './model.js';
import { type NodeSettingsContext, readString } from './setting-readers.js';

/** Package prefix of the Quickform nodes that are REST inputs (input, selection and filter nodes). */
export const QUICKFORM_PACKAGE = /^org\.knime\.js\.base\.node\.quickform\.(?:input|selection|filter)\./;

/** Mask KNIME publishes instead of a Credentials Input password. */
export const MASKED_PASSWORD = '*************';

const FILE_UPLOAD_FACTORY =
  'org.knime.js.base.node.quickform.input.fileupload.FileUploadQuickFormNodeFactory';

interface ValueRule {
  readonly kind: ParameterKind;
  /** Builds the published value from the node's `defaultValue` config. */
  readonly example: (context: NodeSettingsContext) => JsonNode;
}

const VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  'org.knime.js.base.node.quickform.input.integer.IntInputQuickFormNodeFactory': {
    kind: 'legacy-integer',
    example: (context) => jsonNumber(context.model.config('defaultValue')?.number('integer') ?? 0, true),
  },
  'org.knime.js.base.node.quickform.input.dbl.DoubleInputQuickFormNodeFactory': {
    kind: 'legacy-double',
    // A Java double always serialises with a fraction or exponent, so it is never `integer`.
    example: (context) => jsonNumber(context.model.config('defaultValue')?.number('double') ?? 0, false),
  },
  'org.knime.js.base.node.quickform.input.string.StringInputQuickFormNodeFactory': {
    kind: 'legacy-string',
    example: (context) => nullableString(context, 'string'),
  },
  'org.knime.js.base.node.quickform.input.bool.BooleanInputQuickFormNodeFactory': {
    kind: 'legacy-boolean',
    example: (context) => jsonBoolean(context.model.config('defaultValue')?.boolean('boolean') ?? false),
  },
  'org.knime.js.base.node.quickform.input.credentials.CredentialsInputQuickFormNodeFactory': {
    kind: 'legacy-credentials',
    example: credentialsExample,
  },
};

function nullableString(context: NodeSettingsContext, key: string): JsonNode {
  const text = context.model.config('defaultValue')?.string(key);
  if (text === undefined) return jsonString('');
  if (text === null) return JSON_NULL;
  return jsonString(text);
}

/** `{"username": …, "password": "*************"}`; the password is masked whether or not one is saved. */
function credentialsExample(context: NodeSettingsContext): JsonNode {
  const defaults = context.model.config('defaultValue');
  const username = defaults?.string('username');
  const passwordIsNull = defaults?.entry('password')?.value === null;
  return jsonObject([
    ['username', username === undefined || username === null ? JSON_NULL : jsonString(username)],
    ['password', passwordIsNull ? JSON_NULL : jsonString(MASKED_PASSWORD)],
  ]);
}

/**
 * Generic value of the other Quickform nodes (date, slider, list box, selection, filter): the
 * bare value when `defaultValue` holds one entry, otherwise an object of all entries.
 */
function approximateExample(context: NodeSettingsContext): JsonNode {
  const defaults = context.model.config('defaultValue');
  const entries = defaults?.childEntries() ?? [];
  const [only] = entries;
  if (entries.length === 1 && only) return entryToJson(only);
  return jsonObject(entries.map((entry) => [entry.key, entryToJson(entry)]));
}

export function readQuickformInput(context: NodeSettingsContext, factory: string): ExternalNodeSettings {
  const common = {
    direction: 'input' as const,
    // Nodes saved before KNIME 2.12 have no parameter name; KNIME publishes them by node id alone.
    parameterKey: context.model.string('parameterName') ?? '',
    useFullyQualifiedName: true,
    description: readString(context, 'description', ''),
    required: false,
  };

  if (factory === FILE_UPLOAD_FACTORY) {
    return { ...common, resource: { kind: 'legacy-file-upload', contentType: OCTET_STREAM } };
  }

  const rule = VALUE_RULES[factory];
  if (rule) return { ...common, value: { kind: rule.kind, example: rule.example(context) } };

  // NOTE: the JSON form of these nodes is approximated from their settings, not taken from their code.
  context.warn(
    `${context.source}: value shape of ${factory} is approximated from its "defaultValue" settings`,
  );
  return { ...common, value: { kind: 'legacy-other', example: approximateExample(context) } };
}
