import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PipelineFileError } from '../../src/pipeline/errors.js';
import { loadPipeline, parsePipeline, validatePipeline } from '../../src/pipeline/load.js';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bad-files');

/** Each bad file starts with `# expect: LINE:COLUMN message` lines naming every problem it must report. */
function expectations(file: string): { line: number; column: number; message: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^# expect: (\d+):(\d+) ?(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ line: Number(match[1]), column: Number(match[2]), message: match[3]!.trim() }));
}

describe('bad pipeline files', () => {
  const files = readdirSync(corpus).filter((name) => name.endsWith('.yaml'));

  it('corpus is present', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  it.each(files)('%s', async (name) => {
    const file = path.join(corpus, name);
    const expected = expectations(file);
    expect(expected.length).toBeGreaterThan(0);

    const result = await validatePipeline(file);
    expect(result.ok).toBe(false);
    const actual = result.issues.map((issue) => `${issue.line}:${issue.column} ${issue.message}`);
    for (const issue of result.issues) expect(issue.file).toBe(file);

    for (const want of expected) {
      const found = result.issues.find(
        (issue) =>
          issue.line === want.line && issue.column === want.column && issue.message.includes(want.message),
      );
      expect(
        found,
        `expected "${want.line}:${want.column} ${want.message}" in:\n${actual.join('\n')}`,
      ).toBeDefined();
    }
    expect(actual).toHaveLength(expected.length);
  });

  it('formats every issue as file:line:column', async () => {
    const file = path.join(corpus, 'cycle.yaml');
    await expect(loadPipeline(file)).rejects.toThrow(PipelineFileError);
    await expect(loadPipeline(file)).rejects.toThrow(`${file}:5:12: dependency cycle: a → c → b → a`);
  });

  it('reports YAML syntax errors with positions', () => {
    const text = 'steps:\n  a:\n    kind: command\n    with: { command: [echo }\n';
    let error: unknown;
    try {
      parsePipeline(text, '/pipelines/broken.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PipelineFileError);
    const issues = (error as PipelineFileError).issues;
    expect(issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}`)).toEqual([
      '/pipelines/broken.yaml:4:28',
      '/pipelines/broken.yaml:4:29',
    ]);
    expect(issues[0]!.message).toContain(
      'Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('reports a missing file', async () => {
    const result = await validatePipeline(path.join(corpus, 'absent.yaml'));
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]!.message).toBe('cannot read pipeline file: file not found');
  });
});
