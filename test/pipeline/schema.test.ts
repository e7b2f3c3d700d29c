import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pipelineJsonSchema } from '../../src/pipeline/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committedPath = path.join(root, 'schemas', 'pipeline.schema.json');

describe('pipeline JSON Schema', () => {
  it('committed file matches the zod schemas', () => {
    const generated = `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
    // UPDATE_PIPELINE_SCHEMA=1 npx vitest run test/pipeline/schema.test.ts rewrites the file.
    if (process.env.UPDATE_PIPELINE_SCHEMA === '1') writeFileSync(committedPath, generated);
    expect(readFileSync(committedPath, 'utf8')).toBe(generated);
  });

  it('accepts the example pipeline and rejects a bad one', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(committedPath, 'utf8')));

    const example = parse(readFileSync(path.join(root, 'examples', 'nightly-sales.yaml'), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);

    const bad = { steps: { a: { kind: 'command', with: { command: 'echo hi' } } } };
    expect(validate(bad)).toBe(false);
    const unknownKind = { steps: { a: { kind: 'shell' } } };
    expect(validate(unknownKind)).toBe(false);
  });
});
