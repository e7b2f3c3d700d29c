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
  return new DependencyGraph(nodes).ancestorsOf(name);
}

/**
 * A pipeline's dependency graph, built once so that per-step queries do not rebuild it. Ancestor
 * queries are computed on demand and memoised per pair, because the full ancestor sets of a long
 * pipeline grow with the square of its length.
 */
export class DependencyGraph {
  readonly #needs = new Map<string, readonly string[]>();
  readonly #dependents = new Map<string, string[]>();
  readonly #dependsOn = new Map<string, Map<string, boolean>>();

  constructor(nodes: readonly GraphNode[]) {
    for (const node of nodes) {
      this.#needs.set(node.name, node.needs);
      this.#dependents.set(node.name, []);
    }
    for (const node of nodes) {
      for (const need of node.needs) this.#dependents.get(need)?.push(node.name);
    }
  }

  /** Steps that list `name` in their needs. */
  dependentsOf(name: string): readonly string[] {
    return this.#dependents.get(name) ?? [];
  }

  /** Tells whether `name` depends on `other`, directly or through other steps. */
  dependsOn(name: string, other: string): boolean {
    let cached = this.#dependsOn.get(name);
    if (cached === undefined) {
      cached = new Map();
      this.#dependsOn.set(name, cached);
    }
    let result = cached.get(other);
    if (result === undefined) {
      result = this.#search(name, other);
      cached.set(other, result);
    }
    return result;
  }

  /** Returns all steps that `name` depends on, directly or through other steps. */
  ancestorsOf(name: string): Set<string> {
    const result = new Set<string>();
    const pending = [...(this.#needs.get(name) ?? [])];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (result.has(next)) continue;
      result.add(next);
      pending.push(...(this.#needs.get(next) ?? []));
    }
    return result;
  }

  /** Depth-first search from `name` through needs, stopping at `target`. */
  #search(name: string, target: string): boolean {
    const seen = new Set<string>();
    const pending = [...(this.#needs.get(name) ?? [])];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (next === target) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...(this.#needs.get(next) ?? []));
    }
    return false;
  }
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
