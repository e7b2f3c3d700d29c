/** Dependency graph checks and drawings of a pipeline's steps. */

export interface GraphNode {
  readonly name: string;
  readonly needs: readonly string[];
}

/**
 * Finds the cycles in a graph whose `needs` all name existing nodes. Each cycle is listed once, as the
 * step names in order with the first repeated at the end (`a → b → a`).
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const need of byName.get(name)?.needs ?? []) {
      if (!byName.has(need)) continue;
      const seen = state.get(need);
      if (seen === 'visiting') cycles.push([...stack.slice(stack.indexOf(need)), need]);
      else if (seen === undefined) visit(need);
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const node of nodes) if (!state.has(node.name)) visit(node.name);
  return cycles;
}

/** Returns all steps that `name` depends on, directly or through other steps. */
export function ancestorsOf(name: string, nodes: readonly GraphNode[]): Set<string> {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const result = new Set<string>();
  const pending = [...(byName.get(name)?.needs ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (result.has(next)) continue;
    result.add(next);
    pending.push(...(byName.get(next)?.needs ?? []));
  }
  return result;
}

export type GraphFormat = 'mermaid' | 'dot';

/** Node label with the step kind, such as `extract (knime)`. */
export interface DrawableNode extends GraphNode {
  readonly kind: string;
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Draws the graph as Mermaid flowchart or Graphviz DOT text, edges pointing from a need to its dependent. */
export function drawGraph(pipelineName: string, nodes: readonly DrawableNode[], format: GraphFormat): string {
  if (format === 'mermaid') {
    const lines = ['flowchart LR'];
    for (const node of nodes) lines.push(`  ${mermaidId(node.name)}["${node.name} (${node.kind})"]`);
    for (const node of nodes) {
      for (const need of node.needs) lines.push(`  ${mermaidId(need)} --> ${mermaidId(node.name)}`);
    }
    return `${lines.join('\n')}\n`;
  }

  const quote = (text: string) => JSON.stringify(text);
  const lines = [`digraph ${quote(pipelineName)} {`, '  rankdir=LR;'];
  for (const node of nodes)
    lines.push(`  ${quote(node.name)} [label=${quote(`${node.name}\n(${node.kind})`)}];`);
  for (const node of nodes) {
    for (const need of node.needs) lines.push(`  ${quote(need)} -> ${quote(node.name)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
