import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../src/pipeline/dag.js';

const nodes = [
  { name: 'extract', needs: [] },
  { name: 'clean', needs: ['extract'] },
  { name: 'audit', needs: [] },
  { name: 'load', needs: ['clean', 'audit'] },
  { name: 'report', needs: ['load'] },
];

describe('DependencyGraph', () => {
  const graph = new DependencyGraph(nodes);

  it('finds direct and indirect needs', () => {
    expect(graph.dependsOn('report', 'load')).toBe(true);
    expect(graph.dependsOn('report', 'extract')).toBe(true);
    expect(graph.dependsOn('load', 'audit')).toBe(true);
  });

  it('rejects unrelated and reversed pairs', () => {
    expect(graph.dependsOn('clean', 'audit')).toBe(false);
    expect(graph.dependsOn('extract', 'report')).toBe(false);
    expect(graph.dependsOn('report', 'report')).toBe(false);
    expect(graph.dependsOn('report', 'missing')).toBe(false);
  });

  it('gives the same result when cached', () => {
    expect(graph.dependsOn('report', 'extract')).toBe(true);
    expect(graph.dependsOn('report', 'extract')).toBe(true);
    expect(graph.dependsOn('clean', 'audit')).toBe(false);
    expect(graph.dependsOn('clean', 'audit')).toBe(false);
  });

  it('lists ancestors and dependents', () => {
    expect([...graph.ancestorsOf('report')].sort()).toEqual(['audit', 'clean', 'extract', 'load']);
    expect([...graph.ancestorsOf('extract')]).toEqual([]);
    expect(graph.dependentsOf('extract')).toEqual(['clean']);
    expect([...graph.dependentsOf('audit')]).toEqual(['load']);
    expect(graph.dependentsOf('report')).toEqual([]);
  });

  it('handles deep chains', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => ({
      name: `s${i}`,
      needs: i === 0 ? [] : [`s${i - 1}`],
    }));
    const deep = new DependencyGraph(chain);
    expect(deep.dependsOn('s19999', 's0')).toBe(true);
    expect(deep.dependsOn('s0', 's19999')).toBe(false);
  });
});
