import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoDir } from './support/fixtures.js';

const srcDir = join(repoDir, 'src');

/** Every TypeScript source file below `src/`, relative to it, with `/` separators. */
function sourceFiles(dir = srcDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(srcDir, path).split('\\').join('/')] : [];
  });
}

interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Relative imports of each source file, resolved to paths below `src/`. */
function importEdges(): ImportEdge[] {
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm;
  return sourceFiles().flatMap((file) => {
    const text = readFileSync(join(srcDir, file), 'utf8');
    return [...text.matchAll(pattern)].map((match) => ({
      from: file,
      to: relative(srcDir, resolve(srcDir, file, '..', match[3] ?? ''))
        .split('\\')
        .join('/'),
      typeOnly: match[2] !== undefined,
    }));
  });
}

const topFolder = (path: string): string => path.split('/')[0] ?? path;

describe('architecture', () => {
  const edges = importEdges();

  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(200);
  });

  it('keeps the simulators apart from the client', () => {
    const leaving = edges.filter(
      (edge) =>
        topFolder(edge.from) === 'simulator' &&
        topFolder(edge.to) !== 'simulator' &&
        !(topFolder(edge.to) === 'formats' && edge.typeOnly),
    );
    expect(leaving).toEqual([]);
  });

  it('keeps the client library off the simulators', () => {
    const entering = edges.filter(
      (edge) => !['simulator', 'cli'].includes(topFolder(edge.from)) && topFolder(edge.to) === 'simulator',
    );
    expect(entering).toEqual([]);
  });

  it('lets no layer import the CLI', () => {
    const upward = edges.filter((edge) => topFolder(edge.from) !== 'cli' && topFolder(edge.to) === 'cli');
    expect(upward).toEqual([]);
  });

  it('keeps transport below the backends', () => {
    const upward = edges.filter(
      (edge) =>
        topFolder(edge.from) === 'transport' &&
        ['server', 'hub', 'job', 'pipeline', 'alteryx', 'oozie'].includes(topFolder(edge.to)),
    );
    expect(upward).toEqual([]);
  });

  it('keeps the job library off the pipeline runner', () => {
    const upward = edges.filter(
      (edge) =>
        ['transport', 'server', 'hub', 'job', 'errors', 'formats'].includes(topFolder(edge.from)) &&
        topFolder(edge.to) === 'pipeline',
    );
    expect(upward).toEqual([]);
  });

  it('writes to the terminal only from the CLI', () => {
    const offenders = sourceFiles().filter((file) => {
      if (topFolder(file) === 'cli') return false;
      const text = readFileSync(join(srcDir, file), 'utf8');
      // The supervisor of command steps is the source of a separate process, kept in a string.
      const code = file.endsWith('command-supervisor.ts') ? '' : text;
      return /process\.stdout\.write|console\.(log|info)\(|process\.exit\(/.test(code);
    });
    expect(offenders).toEqual([]);
  });
});
