import { normaliseRepositoryPath } from '../../../src/simulator/workspace/load.js';
import type {
  ParameterKind,
  ParameterModel,
  ResourceModel,
  WorkflowModel,
  Workspace,
  WorkspaceItem,
} from '../../../src/simulator/workspace/model.js';

/** Input or output node of a test workflow. */
export interface ParameterSpec {
  shortName: string;
  kind?: ParameterKind;
  nodeIdPath: string;
  required?: boolean;
  example?: unknown;
  nodeName?: string;
}

export interface ResourceSpec {
  shortName: string;
  nodeIdPath: string;
  contentType?: string;
}

export interface WorkflowSpec {
  inputs?: ParameterSpec[];
  outputs?: ParameterSpec[];
  inputResources?: ResourceSpec[];
  outputResources?: ResourceSpec[];
  simulation?: unknown;
  /** Why the sidecar file could not be read, as the workspace loader reports it. */
  simulationError?: string;
}

const NODE_NAMES: Partial<Record<ParameterKind, string>> = {
  json: 'Container Input (JSON)',
  table: 'Container Input (Table)',
  row: 'Container Input (Row)',
  variable: 'Container Input (Variable)',
  credentials: 'Container Input (Credentials)',
  'legacy-integer': 'Integer Input',
  'legacy-string': 'String Input',
};

function parameters(specs: ParameterSpec[] = []): ParameterModel[] {
  return specs.map((spec) => {
    const duplicate = specs.filter((other) => other.shortName === spec.shortName).length > 1;
    const fullyQualifiedName = `${spec.shortName}-${spec.nodeIdPath}`;
    const kind = spec.kind ?? 'json';
    return {
      name: duplicate ? fullyQualifiedName : spec.shortName,
      shortName: spec.shortName,
      fullyQualifiedName,
      nodeIdPath: spec.nodeIdPath,
      nodeName: spec.nodeName ?? NODE_NAMES[kind] ?? 'Container Input (JSON)',
      factory: 'org.knime.test.Factory',
      kind,
      description: '',
      required: spec.required ?? false,
      example: spec.example ?? null,
      schema: {},
    };
  });
}

function resources(specs: ResourceSpec[] = [], nodeName: string): ResourceModel[] {
  return specs.map((spec) => ({
    name: spec.shortName,
    shortName: spec.shortName,
    fullyQualifiedName: `${spec.shortName}-${spec.nodeIdPath}`,
    nodeIdPath: spec.nodeIdPath,
    nodeName,
    description: '',
    contentType: spec.contentType ?? 'application/octet-stream',
  }));
}

/**
 * Builds an in-memory workspace from repository paths. A value of `'data'` is a data file; folders
 * are created for every parent path; `'group'` makes an empty folder.
 */
export function buildWorkspace(
  items: Record<string, WorkflowSpec | 'data' | 'group'>,
  root = '/ws',
): Workspace {
  interface Node {
    path: string;
    name: string;
    type: WorkspaceItem['type'];
    workflow?: WorkflowModel;
    children: Map<string, Node>;
  }

  const rootNode: Node = { path: '/', name: '', type: 'WorkflowGroup', children: new Map() };

  for (const [path, spec] of Object.entries(items)) {
    const segments = path.split('/').filter((s) => s !== '');
    let parent = rootNode;
    for (const [index, segment] of segments.entries()) {
      const itemPath = `/${segments.slice(0, index + 1).join('/')}`;
      let node = parent.children.get(segment);
      if (!node) {
        node = { path: itemPath, name: segment, type: 'WorkflowGroup', children: new Map() };
        parent.children.set(segment, node);
      }
      if (index === segments.length - 1 && spec !== 'group') {
        node.type = spec === 'data' ? 'Data' : 'Workflow';
        if (spec !== 'data') {
          node.workflow = {
            path: itemPath,
            name: segment,
            diskPath: `${root}${itemPath}`,
            inputs: parameters(spec.inputs),
            outputs: parameters(spec.outputs),
            inputResources: resources(spec.inputResources, 'Container Input (File)'),
            outputResources: resources(spec.outputResources, 'Container Output (File)'),
            openapi: { inputParameters: {}, outputParameters: {}, inputResources: {}, outputResources: {} },
            simulation: spec.simulation,
            ...(spec.simulationError !== undefined ? { simulationError: spec.simulationError } : {}),
            warnings: [],
          };
        }
      }
      parent = node;
    }
  }

  const byPath = new Map<string, WorkspaceItem>();
  const freeze = (node: Node): WorkspaceItem => {
    const children = [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name)).map(freeze);
    const item: WorkspaceItem = {
      path: node.path,
      name: node.name,
      type: node.type,
      diskPath: `${root}${node.path === '/' ? '' : node.path}`,
      id: Buffer.from(node.path).toString('base64url'),
      children,
      ...(node.workflow ? { workflow: node.workflow } : {}),
    };
    byPath.set(node.path, item);
    return item;
  };
  const rootItem = freeze(rootNode);

  return {
    root,
    rootItem,
    find: (path) => byPath.get(normaliseRepositoryPath(path)),
    findById: (id) => [...byPath.values()].find((item) => item.id === id),
    workflows: () =>
      [...byPath.values()]
        .filter((item) => item.workflow)
        .map((item) => item.workflow as WorkflowModel)
        .sort((a, b) => a.path.localeCompare(b.path)),
  };
}
