import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { createClient } from '../../src/index.js';
import {
  blobInput,
  closestName,
  credentialsInput,
  fileInput,
  prepareInputs,
  tableInput,
} from '../../src/job/inputs.js';
import type { WorkflowDescription } from '../../src/job/types.js';
import { createServerSimulator } from '../../src/simulator/index.js';
import { simulatedServer } from '../library/simulator.js';
import { repoDir } from '../support/fixtures.js';

function description(inputs: string[], files: string[] = []): WorkflowDescription {
  const parameter = (name: string) => ({
    name,
    shortName: name.replace(/-\d+(?::\d+)*$/, ''),
    description: '',
    required: false,
    schema: {},
    example: null,
  });
  return {
    workflow: '/W',
    inputs: inputs.map(parameter),
    outputs: [],
    inputResources: files.map((name) => ({ name, shortName: name, contentType: undefined, description: '' })),
    outputResources: [],
  };
}

function rejection(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('prepareInputs', () => {
  it('suggests the closest name and lists the valid ones', () => {
    const error = rejection(() => prepareInputs({ 'line-cont': 1 }, description(['line-count', 'title'])));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      'workflow /W has no input `line-cont`; did you mean `line-count`? (valid inputs: line-count, title)',
    );
    expect(error.names).toEqual(['line-cont']);
  });

  it('resolves a unique short name to its published fully qualified name', () => {
    const prepared = prepareInputs({ 'line-count': { integer: 2 } }, description(['line-count-3']));
    expect(prepared.json).toEqual({ 'line-count-3': { integer: 2 } });
  });

  it('accepts a fully qualified name for a short published name', () => {
    expect(prepareInputs({ 'title-7': 'x' }, description(['title'])).json).toEqual({ title: 'x' });
  });

  it('rejects an ambiguous short name', () => {
    const error = rejection(() =>
      prepareInputs({ 'line-count': 1 }, description(['line-count-3', 'line-count-5'])),
    );
    expect(error.message).toContain('use one of `line-count-3`, `line-count-5`');
  });

  it('rejects the same input given short and fully qualified', () => {
    const error = rejection(() =>
      prepareInputs({ 'line-count': 1, 'line-count-3': 2 }, description(['line-count-3'])),
    );
    expect(error.message).toContain('is given twice, as `line-count` and as `line-count-3`');
  });

  it('rejects missing required inputs', () => {
    const desc = description(['customers', 'other']);
    desc.inputs[0]!.required = true;
    const error = rejection(() => prepareInputs({ other: 1 }, desc));
    expect(error.message).toBe('/W requires the input `customers`, which is missing');
  });

  it('separates file inputs from JSON inputs', () => {
    const file = fileInput('/tmp/data.csv', { contentType: 'text/csv' });
    const prepared = prepareInputs(
      { 'file-upload': file, title: 'x' },
      description(['title'], ['file-upload']),
    );
    expect(prepared).toEqual({ json: { title: 'x' }, files: { 'file-upload': file } });
  });

  it('rejects a JSON value for a file input and a file for a JSON input', () => {
    const desc = description(['title'], ['file-upload']);
    expect(() => prepareInputs({ 'file-upload': 'data.csv' }, desc)).toThrow(/is a file input/);
    expect(() => prepareInputs({ title: fileInput('/tmp/a') }, desc)).toThrow(
      /takes a JSON value, not a file/,
    );
  });

  it('passes everything through without a description', () => {
    expect(prepareInputs({ anything: 1 }, undefined).json).toEqual({ anything: 1 });
  });
});

/** A description with one JSON input `value` whose schema is `schema`. */
function typed(schema: Record<string, unknown>): WorkflowDescription {
  const base = description(['value']);
  base.inputs[0]!.schema = schema;
  return base;
}

describe('prepareInputs type check', () => {
  it('rejects a number for a string', () => {
    const error = rejection(() => prepareInputs({ value: 42 }, typed({ type: 'string' })));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.names).toEqual(['value']);
    expect(error.message).toContain('input `value` of /W expects a JSON string');
    expect(error.message).toContain('the value is 42');
    expect(error.message).toContain(`--input value='"42"'`);
  });

  it('names the given short name in the fix', () => {
    const desc = typed({ type: 'integer' });
    desc.inputs[0]!.name = 'value-3';
    const error = rejection(() => prepareInputs({ value: '7' }, desc));
    expect(error.names).toEqual(['value']);
    expect(error.message).toContain('input `value-3` of /W expects a JSON integer');
    expect(error.message).toContain('the value is "7"');
    expect(error.message).toContain(`--input value='7'`);
  });

  it('accepts values of the schema type', () => {
    const cases: Array<[string, unknown]> = [
      ['string', 'x'],
      ['integer', 3],
      ['number', 2.5],
      ['boolean', false],
      ['object', { a: 1 }],
      ['array', [1, 2]],
    ];
    for (const [type, value] of cases) {
      expect(prepareInputs({ value }, typed({ type })).json, type).toEqual({ value });
    }
  });

  it('rejects values of another type', () => {
    const cases: Array<[string, unknown]> = [
      ['integer', 2.5],
      ['integer', '2'],
      ['number', 'NaN'],
      ['boolean', 'true'],
      ['object', [1]],
      ['object', null],
      ['array', { a: 1 }],
      ['string', null],
    ];
    for (const [type, value] of cases) {
      expect(() => prepareInputs({ value }, typed({ type })), `${type} ${JSON.stringify(value)}`).toThrow(
        `expects a JSON ${type}`,
      );
    }
  });

  it('shows objects by kind only', () => {
    const secret = { user: 'u', password: 'Pw-Not-Shown' };
    const error = rejection(() => prepareInputs({ value: secret }, typed({ type: 'string' })));
    expect(error.message).toContain('the value is a JSON object; give a JSON string');
    expect(error.message).not.toContain('Pw-Not-Shown');

    const list = rejection(() => prepareInputs({ value: [1, 2] }, typed({ type: 'object' })));
    expect(list.message).toContain('the value is a JSON array of 2 items');
  });

  it('cuts long values', () => {
    const error = rejection(() => prepareInputs({ value: 'x'.repeat(100) }, typed({ type: 'integer' })));
    expect(error.message).toContain(`the value is "${'x'.repeat(39)}…`);
    expect(error.message).not.toContain('x'.repeat(41));
  });

  it('ignores inherited names as types', () => {
    expect(prepareInputs({ value: 1 }, typed({ type: 'toString' })).json).toEqual({ value: 1 });
  });

  it('accepts an integer for a number', () => {
    expect(prepareInputs({ value: 2 }, typed({ type: 'number' })).json).toEqual({ value: 2 });
  });

  it('accepts legacy Quickform wrappers', () => {
    expect(prepareInputs({ value: { integer: 2 } }, typed({ type: 'integer' })).json).toEqual({
      value: { integer: 2 },
    });
    expect(prepareInputs({ value: { double: 1.5 } }, typed({ type: 'number' })).json).toEqual({
      value: { double: 1.5 },
    });
    expect(prepareInputs({ value: { string: 'x' } }, typed({ type: 'string' })).json).toEqual({
      value: { string: 'x' },
    });
    expect(() => prepareInputs({ value: { integer: '2' } }, typed({ type: 'integer' }))).toThrow(
      'expects a JSON integer',
    );
    expect(() => prepareInputs({ value: { integer: 2, extra: 1 } }, typed({ type: 'integer' }))).toThrow(
      'expects a JSON integer',
    );
  });

  it('accepts null for a nullable schema', () => {
    expect(prepareInputs({ value: null }, typed({ type: 'string', nullable: true })).json).toEqual({
      value: null,
    });
  });

  it('skips schemas without a known type', () => {
    expect(prepareInputs({ value: 42 }, typed({})).json).toEqual({ value: 42 });
    expect(prepareInputs({ value: 42 }, typed({ type: ['string', 'null'] })).json).toEqual({ value: 42 });
  });

  it('skips schemas whose example has another type', () => {
    const schema = { type: 'object', example: 'x' };
    expect(prepareInputs({ value: 'y' }, typed(schema)).json).toEqual({ value: 'y' });
  });

  it('skips the check with checkTypes false', () => {
    const prepared = prepareInputs({ value: 42 }, typed({ type: 'string' }), { checkTypes: false });
    expect(prepared.json).toEqual({ value: 42 });
  });
});

describe('input builders', () => {
  it('builds table JSON', () => {
    expect(tableInput({ customer: 'string', age: 'int' }, [['c-1', 41]])).toEqual({
      'table-spec': [{ customer: 'string' }, { age: 'int' }],
      'table-data': [['c-1', 41]],
    });
    expect(() => tableInput({ a: 'int' }, [[1, 2]])).toThrow(
      /row 0 has 2 values but the table has 1 columns/,
    );
  });

  it('builds credentials JSON', () => {
    expect(credentialsInput([{ id: 'db', user: 'u', password: 'p' }])).toEqual({
      isEncrypted: false,
      credentials: [{ id: 'db', user: 'u', password: 'p' }],
    });
  });

  it('finds no match for distant names', () => {
    expect(closestName('zzzzzz', ['line-count'])).toBeUndefined();
  });
});

describe('inputs against the simulator', () => {
  it('rejects an unknown name before anything is created', async () => {
    const { client, simulator, requests } = await simulatedServer();
    const error = await client.start('/Examples/Greeting', { nme: 'Ada' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('has no input `nme`; did you mean `name`?');
    expect(requests.some((request) => request.startsWith('POST'))).toBe(false);
    expect(simulator.stats.jobsCreated).toBe(0);
  });

  it('checks value types unless turned off', async () => {
    const simulator = await createServerSimulator({ workspace: join(repoDir, 'demo', 'workspace') });
    const client = createClient({ url: simulator.baseUrl, fetch: simulator.fetch });

    const error = await client.start('/Demo/Hello World', { name: 42 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('expects a JSON string');
    expect(simulator.stats.jobsCreated).toBe(0);

    const handle = await client.start('/Demo/Hello World', { name: 42 }, { checkInputTypes: false });
    expect(simulator.stats.jobsCreated).toBe(1);
    await handle.discard();
  });

  it('sends short names of duplicated parameters as their published names', async () => {
    const { client } = await simulatedServer();
    const error = await client
      .start('/Examples/Duplicates', { 'line-count': { integer: 1 } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('use one of `line-count-3`, `line-count-5`');

    const handle = await client.start('/Examples/Duplicates', { 'line-count-5': { integer: 9 }, title: 'x' });
    expect((await handle.wait()).outcome).toBe('succeeded');
  });

  it('discards the job when the server rejects the inputs', async () => {
    const { client, simulator } = await simulatedServer();
    const error = await client.start('/Examples/Required', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain("An input for parameter 'customers' is required.");
    expect(simulator.stats.jobsCreated).toBe(1);
    expect(simulator.stats.discards).toBe(1);
  });

  it('uploads a file as a multipart part and downloads the echo', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'knimectl-inputs-'));
    const source = join(dir, 'sales.csv');
    await writeFile(source, 'region,total\nEMEA,10\n');
    const { client, requests } = await simulatedServer();

    const handle = await client.start('/Examples/Files', {
      'file-upload': fileInput(source, { contentType: 'text/csv' }),
      'line-count': { integer: 3 },
    });
    await handle.wait();
    const result = await handle.download('copy', join(dir, 'out.csv'));

    expect(await readFile(result.path, 'utf8')).toBe('region,total\nEMEA,10\n');
    expect(result.bytes).toBe(21);
    expect(requests.some((request) => request.startsWith('POST') && request.includes('async=true'))).toBe(
      true,
    );
  });

  it('uploads in-memory files', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Files', {
      'file-upload': blobInput(new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), { filename: 'a.csv' }),
    });
    await handle.wait();
    const dir = await mkdtemp(join(tmpdir(), 'knimectl-inputs-'));
    const result = await handle.download('copy', `${dir}/`);
    expect(await readFile(result.path, 'utf8')).toBe('a,b\n1,2\n');
  });
});
