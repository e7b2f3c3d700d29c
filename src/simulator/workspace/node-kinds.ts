/**
 * Recognises the nodes a workflow exposes to REST callers by their factory class, and dispatches
 * to the reader for that node family. Nodes of any other factory are not REST parameters.
 */
import {
  readCredentialsInput,
  readDeprecatedVariableInput,
  readFileInput,
  readFileOutput,
  readJsonInput,
  readJsonOutput,
  readRawHttpInput,
  readRawHttpOutput,
  readRowInput,
  readRowOutput,
  readTableInput,
  readTableOutput,
  readVariableInput,
} from './container-nodes.js';
import type { ExternalNodeSettings } from './external-node.js';
import { QUICKFORM_PACKAGE, readQuickformInput } from './legacy-nodes.js';
import { type NodeSettingsContext, readParameterName, readString } from './setting-readers.js';

type NodeReader = (context: NodeSettingsContext, nodeName: string) => ExternalNodeSettings;

const JSON_NODES = 'org.knime.json.node';
const CONTAINER = `${JSON_NODES}.container`;
const SERVICES = 'org.knime.workflowservices.knime.callee';

const READERS: Readonly<Record<string, NodeReader>> = {
  [`${CONTAINER}.input.table.ContainerTableInputNodeFactory`]: readTableInput,
  [`${CONTAINER}.input.row.ContainerRowInputNodeFactory`]: readRowInput,
  [`${JSON_NODES}.input.JSONInputNodeFactory`]: readJsonInput,
  [`${CONTAINER}.input.variable.ContainerVariableInputNodeFactory`]: readDeprecatedVariableInput,
  [`${CONTAINER}.input.variable2.ContainerVariableInputNodeFactory2`]: readVariableInput,
  [`${CONTAINER}.input.credentials.ContainerCredentialsInputNodeFactory`]: readCredentialsInput,
  [`${CONTAINER}.input.file.ContainerFileInputNodeFactory`]: readFileInput,
  [`${CONTAINER}.input.raw.RawHTTPInputNodeFactory`]: readRawHttpInput,
  [`${CONTAINER}.output.table.ContainerTableOutputNodeFactory`]: readTableOutput,
  [`${CONTAINER}.output.row.ContainerRowOutputNodeFactory`]: readRowOutput,
  [`${JSON_NODES}.output.JSONOutputNodeFactory`]: readJsonOutput,
  [`${CONTAINER}.output.file.ContainerFileOutputNodeFactory`]: readFileOutput,
  [`${CONTAINER}.output.raw.RawHTTPOutputNodeFactory`]: readRawHttpOutput,
  [`${SERVICES}.WorkflowInputNodeFactory`]: (context) => readServicePort(context, 'input'),
  [`${SERVICES}.WorkflowOutputNodeFactory`]: (context) => readServicePort(context, 'output'),
};

/**
 * Workflow Service Input/Output: one port object exchanged as a file whose content type is
 * `knime-port/<port object class>`, the class taken from the node's creation config. These nodes
 * prefer short names.
 */
function readServicePort(context: NodeSettingsContext, direction: 'input' | 'output'): ExternalNodeSettings {
  const portKey = direction === 'input' ? 'Callee Workflow Input' : 'Callee Workflow Output';
  const portClass = context.settings.config('node_creation_config')?.config(portKey)?.string('object_class');
  if (!portClass) {
    context.warn(
      `${context.source}: no port type in "node_creation_config/${portKey}"; assuming a data table`,
    );
  }
  // NOTE: the fallback names are this reader's choice; the nodes always save "parameterName".
  return {
    direction,
    parameterKey: readParameterName(context, direction === 'input' ? 'input-parameter' : 'output-parameter'),
    useFullyQualifiedName: false,
    description: readString(context, 'description', ''),
    required: false,
    resource: {
      kind: 'workflow-service',
      contentType: `knime-port/${portClass ?? 'org.knime.core.node.BufferedDataTable'}`,
    },
  };
}

/** Returns whether a factory class belongs to a node that KNIME publishes as a REST parameter or resource. */
export function isExternalNodeFactory(factory: string): boolean {
  return factory in READERS || QUICKFORM_PACKAGE.test(factory);
}

/**
 * Reads the parameter or resource of one node.
 *
 * @returns `undefined` for nodes that are not REST inputs or outputs
 */
export function readExternalNodeSettings(
  context: NodeSettingsContext,
  factory: string,
  nodeName: string,
): ExternalNodeSettings | undefined {
  const reader = READERS[factory];
  if (reader) return reader(context, nodeName);
  if (QUICKFORM_PACKAGE.test(factory)) return readQuickformInput(context, factory);
  return undefined;
}
