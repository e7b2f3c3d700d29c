import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import {
  blobInput,
  closestName,
  credentialsInput,
  fileInput,
  prepareInputs,
  tableInput,
} from '../../src/job/inputs.js';
import type { WorkflowDescription } from '../../src/job/types.js';
import { simulatedServer } from '../library/simulator.js';

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
