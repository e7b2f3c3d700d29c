/**
 * Writes workflows in KNIME's on-disk format (`workflow.knime`, one folder with `settings.xml`
 * per node, nested workflows for metanodes and components). The demo workspace generator and the
 * tests use it to author workflows; the loader itself only reads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One element of an XMLConfig document. */
export type XmlNode =
  | { readonly kind: 'entry'; readonly key: string; readonly type: string; readonly value: string | null }
  | { readonly kind: 'config'; readonly key: string; readonly children: readonly XmlNode[] };

export function entry(key: string, type: string, value: string | null): XmlNode {
  return { kind: 'entry', key, type, value };
}

export function stringEntry(key: string, value: string | null): XmlNode {
  return entry(key, 'xstring', value);
}

export function booleanEntry(key: string, value: boolean): XmlNode {
  return entry(key, 'xboolean', String(value));
}

export function intEntry(key: string, value: number): XmlNode {
  return entry(key, 'xint', String(value));
}

export function config(key: string, children: readonly XmlNode[] = []): XmlNode {
  return { kind: 'config', key, children };
}

/** Builds a KNIME array config: `array-size` followed by entries `0` … `n-1`. */
export function stringArrayConfig(key: string, values: readonly string[]): XmlNode {
  return config(key, [
    intEntry('array-size', values.length),
    ...values.map((value, index) => stringEntry(String(index), value)),
  ]);
}

/**
 * Encodes a value for an XMLConfig attribute: control characters become KNIME's `%%NNNNN`
 * escapes (so line breaks survive attribute normalisation), then XML special characters become
 * entities.
 */
export function encodeKnimeValue(value: string): string {
  let knimeEscaped = '';
  const chars = [...value];
  for (const [index, char] of chars.entries()) {
    const code = char.codePointAt(0) ?? 0;
    // A `%` that starts `%%` is escaped too, so literal text such as `%%00010` survives a round trip.
    const needsEscape = code < 0x20 || (char === '%' && chars[index + 1] === '%');
    knimeEscaped += needsEscape ? `%%${String(code).padStart(5, '0')}` : char;
  }
  return knimeEscaped
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

function renderNodes(nodes: readonly XmlNode[], indent: string, lines: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'entry') {
      const nullMark = node.value === null ? ' isnull="true"' : '';
      lines.push(
        `${indent}<entry key="${encodeKnimeValue(node.key)}" type="${node.type}"${nullMark} value="${encodeKnimeValue(node.value ?? '')}"/>`,
      );
    } else if (node.children.length === 0) {
      lines.push(`${indent}<config key="${encodeKnimeValue(node.key)}"/>`);
    } else {
      lines.push(`${indent}<config key="${encodeKnimeValue(node.key)}">`);
      renderNodes(node.children, `${indent}    `, lines);
      lines.push(`${indent}</config>`);
    }
  }
}

/** Renders a complete XMLConfig document with the given root key. */
export function knimeConfigXml(rootKey: string, children: readonly XmlNode[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<config xmlns="http://www.knime.org/2008/09/XMLConfig" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.knime.org/2008/09/XMLConfig http://www.knime.org/XMLConfig_2008_09.xsd" key="${rootKey}">`,
  ];
  renderNodes(children, '    ', lines);
  lines.push('</config>', '');
  return lines.join('\n');
}

/** Content of a native node's `settings.xml`: the factory, the display name and the model settings. */
export interface NodeSettingsSpec {
  readonly factory: string;
  readonly nodeName: string;
  readonly model: readonly XmlNode[];
  /** Bundle that provides the node, written for completeness. */
  readonly bundle?: { readonly name: string; readonly symbolicName: string };
  /** Further top-level settings, such as `node_creation_config`. */
  readonly extra?: readonly XmlNode[];
}

export interface NativeNode {
  readonly id: number;
  readonly settings: NodeSettingsSpec;
  /** Text below the node in the editor. */
  readonly annotation?: string;
}

export interface NestedWorkflowNode {
  readonly id: number;
  readonly type: 'component' | 'metanode';
  readonly name: string;
  readonly nodes: readonly WorkflowNode[];
  readonly connections?: readonly Connection[];
}

export type WorkflowNode = NativeNode | NestedWorkflowNode;

/** A data connection from an output port of one node to an input port of another (ids of the same workflow). */
export interface Connection {
  readonly source: number;
  readonly sourcePort: number;
  readonly dest: number;
  readonly destPort: number;
}

export interface WorkflowSpec {
  readonly nodes: readonly WorkflowNode[];
  readonly connections?: readonly Connection[];
  /** KNIME version recorded as `created_by`. */
  readonly createdBy?: string;
  readonly author?: string;
  /** `authored-when`/`lastEdited-when` timestamp, such as `2026-11-02 09:30:00 +0100`. */
  readonly savedAt?: string;
  /** Workflow description (`customDescription`). */
  readonly description?: string;
}

/** Folder name KNIME gives a node: its name with characters unsafe in paths replaced by `_`, plus `(#id)`. */
export function nodeFolderName(name: string, id: number): string {
  return `${name.replace(/[()/\\:*?"<>|]/g, '_')} (#${id})`;
}

const DEFAULT_CREATED_BY = '5.4.0.v202411281559';

function nodeSettingsXml(spec: NodeSettingsSpec): string {
  const bundle = spec.bundle ?? {
    name: 'JSON related functionality for KNIME',
    symbolicName: 'org.knime.json',
  };
  return knimeConfigXml('settings.xml', [
    stringEntry('node_file', 'settings.xml'),
    config('flow_stack'),
    config('internal_node_subsettings', [stringEntry('memory_policy', 'CacheSmallInMemory')]),
    config('model', spec.model),
    stringEntry('customDescription', null),
    stringEntry('state', 'CONFIGURED'),
    stringEntry('factory', spec.factory),
    stringEntry('node-name', spec.nodeName),
    stringEntry('node-bundle-name', bundle.name),
    stringEntry('node-bundle-symbolic-name', bundle.symbolicName),
    stringEntry('node-bundle-vendor', 'KNIME AG, Zurich, Switzerland'),
    stringEntry('node-bundle-version', DEFAULT_CREATED_BY),
    config('factory_settings'),
    ...(spec.extra ?? []),
    stringEntry('name', spec.nodeName),
    booleanEntry('hasContent', false),
    booleanEntry('isInactive', false),
    config('ports'),
    config('filestores', [stringEntry('file_store_location', null), stringEntry('file_store_id', null)]),
  ]);
}

function componentSettingsXml(inId: number, outId: number): string {
  return knimeConfigXml('settings.xml', [
    stringEntry('node_file', 'settings.xml'),
    config('flow_stack'),
    config('internal_node_subsettings', [stringEntry('memory_policy', 'CacheSmallInMemory')]),
    config('model'),
    stringEntry('customDescription', null),
    stringEntry('state', 'CONFIGURED'),
    intEntry('virtual-in-ID', inId),
    config('inports'),
    intEntry('virtual-out-ID', outId),
    config('outports'),
    config('layoutInfos'),
    stringEntry('layoutJSON', ''),
  ]);
}

const VIRTUAL_IN = 'org.knime.core.node.workflow.virtual.subnode.VirtualSubNodeInputNodeFactory';
const VIRTUAL_OUT = 'org.knime.core.node.workflow.virtual.subnode.VirtualSubNodeOutputNodeFactory';

function virtualNode(id: number, factory: string, nodeName: string): NativeNode {
  return {
    id,
    settings: {
      factory,
      nodeName,
      model: [],
      bundle: { name: 'KNIME Core', symbolicName: 'org.knime.core' },
    },
  };
}

function nodeEntry(node: WorkflowNode, folder: string, index: number): XmlNode {
  const isNested = 'type' in node;
  const settingsFile =
    isNested && node.type === 'metanode' ? `${folder}/workflow.knime` : `${folder}/settings.xml`;
  let nodeType = 'NativeNode';
  if (isNested) nodeType = node.type === 'component' ? 'SubNode' : 'MetaNode';
  return config(`node_${node.id}`, [
    intEntry('id', node.id),
    stringEntry('node_settings_file', settingsFile),
    booleanEntry('node_is_meta', isNested),
    stringEntry('node_type', nodeType),
    stringEntry('ui_classname', 'org.knime.core.node.workflow.NodeUIInformation'),
    config('ui_settings', [
      config('extrainfo.node.bounds', [
        intEntry('array-size', 4),
        intEntry('0', 100 + index * 160),
        intEntry('1', 120),
        intEntry('2', 90),
        intEntry('3', 80),
      ]),
    ]),
  ]);
}

function connectionEntries(connections: readonly Connection[]): XmlNode {
  return config(
    'connections',
    connections.map((connection, index) =>
      config(`connection_${index}`, [
        intEntry('sourceID', connection.source),
        intEntry('destID', connection.dest),
        intEntry('sourcePort', connection.sourcePort),
        intEntry('destPort', connection.destPort),
      ]),
    ),
  );
}

function workflowXml(
  spec: WorkflowSpec,
  nodes: readonly WorkflowNode[],
  folders: ReadonlyMap<number, string>,
  name: string | null,
): string {
  const savedAt = spec.savedAt ?? '2026-11-02 09:30:00 +0100';
  const author = spec.author ?? 'workflow-author';
  return knimeConfigXml('workflow.knime', [
    stringEntry('created_by', spec.createdBy ?? DEFAULT_CREATED_BY),
    booleanEntry('created_by_nightly', false),
    stringEntry('version', '5.1.0'),
    stringEntry('name', name),
    config('authorInformation', [
      stringEntry('authored-by', author),
      stringEntry('authored-when', savedAt),
      stringEntry('lastEdited-by', author),
      stringEntry('lastEdited-when', savedAt),
    ]),
    stringEntry('customDescription', spec.description ?? null),
    stringEntry('state', 'CONFIGURED'),
    config('workflow_credentials'),
    config(
      'nodes',
      nodes.map((node, index) => nodeEntry(node, folders.get(node.id) ?? '', index)),
    ),
    connectionEntries(spec.connections ?? []),
  ]);
}

/**
 * Renders a workflow as files, keyed by their path relative to the workflow folder (with `/`).
 * Components get virtual input and output nodes with the next free ids, as KNIME creates them.
 */
export function renderWorkflow(spec: WorkflowSpec): Map<string, string> {
  const files = new Map<string, string>();
  renderInto(files, '', spec, spec.nodes, null);
  return files;
}

function renderInto(
  files: Map<string, string>,
  prefix: string,
  spec: WorkflowSpec,
  nodes: readonly WorkflowNode[],
  name: string | null,
): void {
  const folders = new Map<number, string>();
  for (const node of nodes) {
    const displayName = 'type' in node ? node.name : node.settings.nodeName;
    folders.set(node.id, nodeFolderName(displayName, node.id));
  }
  files.set(`${prefix}workflow.knime`, workflowXml(spec, nodes, folders, name));

  for (const node of nodes) {
    const folder = `${prefix}${folders.get(node.id)}/`;
    if (!('type' in node)) {
      files.set(`${folder}settings.xml`, nodeSettingsXml(node.settings));
      continue;
    }

    const inner = { ...spec, connections: node.connections ?? [] };
    if (node.type === 'metanode') {
      renderInto(files, folder, inner, node.nodes, node.name);
      continue;
    }
    const nextId = Math.max(0, ...node.nodes.map((child) => child.id)) + 1;
    const withVirtual = [
      ...node.nodes,
      virtualNode(nextId, VIRTUAL_IN, 'Component Input'),
      virtualNode(nextId + 1, VIRTUAL_OUT, 'Component Output'),
    ];
    files.set(`${folder}settings.xml`, componentSettingsXml(nextId, nextId + 1));
    renderInto(files, folder, inner, withVirtual, node.name);
  }
}

/** Writes a workflow into `dir` (created if missing); `extraFiles` are written beside `workflow.knime`. */
export async function writeWorkflow(
  dir: string,
  spec: WorkflowSpec,
  extraFiles: Readonly<Record<string, string>> = {},
): Promise<void> {
  const files = renderWorkflow(spec);
  for (const [name, content] of Object.entries(extraFiles)) files.set(name, content);
  for (const [relativePath, content] of files) {
    const target = join(dir, ...relativePath.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
  }
}
