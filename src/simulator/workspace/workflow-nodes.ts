/**
 * Walks a workflow's node tree on disk: `workflow.knime` lists the nodes, each with its settings
 * file; metanodes and components (`SubNode`) hold a nested `workflow.knime` and are walked to any
 * depth. Collects every node that KNIME publishes as a REST input or output.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ExternalNode, WarningSink } from './external-node.js';
import { relativeNodeIdPath } from './naming.js';
import { isExternalNodeFactory, readExternalNodeSettings } from './node-kinds.js';
import { KnimeConfig, KnimeConfigError, parseKnimeConfig } from './xml-config.js';

/** Deepest metanode/component nesting the walk follows; deeper content is reported and skipped. */
const MAX_NESTING = 64;

interface WalkContext {
  /** Folder of the workflow being loaded; settings files must lie inside it. */
  readonly rootDir: string;
  /** Repository path of the workflow, for messages. */
  readonly label: string;
  readonly warn: WarningSink;
  readonly found: ExternalNode[];
}

/**
 * Collects the external nodes of the workflow whose `workflow.knime` sits in `workflowDir`.
 *
 * @param label repository path named in warnings
 * @throws KnimeConfigError when the top-level `workflow.knime` cannot be read or parsed
 */
export async function collectExternalNodes(
  workflowDir: string,
  label: string,
  warn: WarningSink,
): Promise<ExternalNode[]> {
  const workflowFile = join(workflowDir, 'workflow.knime');
  const workflow = await readConfigFile(workflowFile);
  const context: WalkContext = { rootDir: workflowDir, label, warn, found: [] };
  await walkWorkflow(context, workflow, workflowDir, []);
  return context.found;
}

async function readConfigFile(path: string): Promise<KnimeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KnimeConfigError(`${path}: cannot read file: ${(error as Error).message}`);
  }
  return parseKnimeConfig(text, path);
}

async function walkWorkflow(
  context: WalkContext,
  workflow: KnimeConfig,
  workflowDir: string,
  idPrefix: readonly number[],
): Promise<void> {
  const nodes = workflow.config('nodes');
  if (!nodes) return;

  for (const entry of nodes.childConfigs()) {
    await visitNode(context, entry, workflowDir, idPrefix);
  }
}

async function visitNode(
  context: WalkContext,
  entry: KnimeConfig,
  workflowDir: string,
  idPrefix: readonly number[],
): Promise<void> {
  const id = entry.number('id');
  const settingsFile = entry.string('node_settings_file');
  if (id === undefined || !Number.isInteger(id) || !settingsFile) {
    context.warn(
      `${context.label}: node entry "${entry.key}" in ${workflowDir} has no id or settings file; skipped`,
    );
    return;
  }

  const segments = [...idPrefix, id];
  const nodeLabel = `${context.label}, node ${relativeNodeIdPath(segments)}`;
  const settingsPath = resolveInside(context, workflowDir, settingsFile, nodeLabel);
  if (!settingsPath) return;

  // Workflows saved before KNIME 2.10 have no node_type; node_is_meta then tells metanodes apart.
  const nodeType = entry.string('node_type') ?? (entry.boolean('node_is_meta') ? 'MetaNode' : 'NativeNode');

  if (nodeType === 'MetaNode' || nodeType === 'SubNode') {
    // A component's content is a workflow with the local id 0: inner node 10 of component 21 is 21:0:10.
    const innerPrefix = nodeType === 'SubNode' ? [...segments, 0] : segments;
    await visitNestedWorkflow(context, dirname(settingsPath), innerPrefix, nodeLabel);
    return;
  }

  if (nodeType !== 'NativeNode') {
    context.warn(`${nodeLabel}: unknown node type "${nodeType}"; skipped`);
    return;
  }
  await visitNativeNode(context, settingsPath, segments, nodeLabel);
}

/** Resolves a settings file named in `workflow.knime`, rejecting paths that leave the workflow folder. */
function resolveInside(
  context: WalkContext,
  workflowDir: string,
  file: string,
  nodeLabel: string,
): string | undefined {
  const resolved = join(workflowDir, ...file.split('/'));
  const fromRoot = relative(context.rootDir, resolved);
  if (fromRoot.startsWith(`..${sep}`) || fromRoot === '..') {
    context.warn(`${nodeLabel}: settings file "${file}" lies outside the workflow folder; skipped`);
    return undefined;
  }
  return resolved;
}

async function visitNestedWorkflow(
  context: WalkContext,
  folder: string,
  idPrefix: readonly number[],
  nodeLabel: string,
): Promise<void> {
  if (idPrefix.length > MAX_NESTING) {
    context.warn(`${nodeLabel}: metanodes and components nested deeper than ${MAX_NESTING} levels; skipped`);
    return;
  }

  let nested: KnimeConfig;
  try {
    nested = await readConfigFile(join(folder, 'workflow.knime'));
  } catch (error) {
    if (!(error instanceof KnimeConfigError)) throw error;
    context.warn(`${nodeLabel}: ${error.message}; its content is skipped`);
    return;
  }
  await walkWorkflow(context, nested, folder, idPrefix);
}

async function visitNativeNode(
  context: WalkContext,
  settingsPath: string,
  segments: readonly number[],
  nodeLabel: string,
): Promise<void> {
  let settings: KnimeConfig;
  try {
    settings = await readConfigFile(settingsPath);
  } catch (error) {
    if (!(error instanceof KnimeConfigError)) throw error;
    context.warn(`${nodeLabel}: ${error.message}; node skipped`);
    return;
  }

  const factory = settings.string('factory');
  if (!factory) {
    context.warn(`${nodeLabel}: settings.xml names no factory class; node skipped`);
    return;
  }
  const nodeName = settings.string('node-name') ?? settings.string('name') ?? factory;
  const source = `${nodeLabel} (${nodeName})`;

  if (!isExternalNodeFactory(factory)) return;

  let model = settings.config('model');
  if (!model) {
    context.warn(`${source}: settings.xml has no "model" config; using the node defaults`);
    model = new KnimeConfig('model');
  }
  const external = readExternalNodeSettings(
    { model, settings, source, warn: context.warn },
    factory,
    nodeName,
  );
  if (!external) return;

  context.found.push({ ...external, nodeIdPath: relativeNodeIdPath(segments), nodeName, factory });
}
