import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Converts one path segment of a glob (`*`, `?`, `[abc]`) to a regular expression. `**` is handled
 * by {@link findMatches}, not here.
 */
function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${segment.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/**
 * Lists the files and folders matching `pattern` (absolute, or relative to `baseDir`), sorted. Supports
 * `*`, `?`, `[...]` within a segment and `**` for any number of folders. Hidden entries match only a
 * segment that starts with a dot.
 */
export async function findMatches(pattern: string, baseDir: string): Promise<string[]> {
  const absolute = path.resolve(baseDir, pattern);
  const { root } = path.parse(absolute);
  const segments = absolute.slice(root.length).split(path.sep).filter(Boolean);
  const results = new Set<string>();
  await walk(root, segments, results);
  return [...results].sort();
}

async function walk(dir: string, segments: string[], results: Set<string>): Promise<void> {
  if (segments.length === 0) {
    results.add(dir);
    return;
  }

  const [head, ...rest] = segments as [string, ...string[]];
  if (!hasMagic(head)) {
    const next = path.join(dir, head);
    if (rest.length === 0) {
      if (await exists(dir, head)) results.add(next);
      return;
    }
    await walk(next, rest, results);
    return;
  }

  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }

  if (head === '**') {
    await walk(dir, rest, results);
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) {
        await walk(path.join(dir, entry.name), segments, results);
      }
    }
    return;
  }

  const matcher = segmentPattern(head);
  for (const entry of entries) {
    if (entry.name.startsWith('.') && !head.startsWith('.')) continue;
    if (!matcher.test(entry.name)) continue;
    if (rest.length === 0) results.add(path.join(dir, entry.name));
    else if (entry.isDirectory()) await walk(path.join(dir, entry.name), rest, results);
  }
}

async function exists(dir: string, name: string): Promise<boolean> {
  try {
    const entries = await readdir(dir);
    return entries.includes(name);
  } catch {
    return false;
  }
}
