import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileInput, Inputs } from '../job/types.js';
import { CliExitError, ExitCode } from './exit.js';

/** Input flags of `run` and `start`. */
export interface InputOptions {
  /** `NAME=JSON` or `NAME=@file.json`, repeatable. */
  input?: string[];
  /** `@file.json` or an inline JSON object with all inputs. */
  inputs?: string;
  /** `NAME=@path`, repeatable: file inputs sent as multipart parts. */
  file?: string[];
}

function invalidInput(message: string, hint?: string): CliExitError {
  return new CliExitError(ExitCode.invalidInput, message, hint);
}

/**
 * Builds the inputs of a job from `--inputs`, then `--input` and `--file` (later flags override
 * names from `--inputs`). Values are parsed here; the check against the workflow's declared
 * inputs happens in the library before the job is created.
 *
 * @throws CliExitError (exit code 8) naming the flag, the value and the expected form.
 */
export async function collectInputs(options: InputOptions): Promise<Inputs> {
  const inputs: Inputs = {};

  if (options.inputs !== undefined) {
    const all = await parseJsonArgument(options.inputs, '--inputs');
    if (typeof all !== 'object' || all === null || Array.isArray(all)) {
      throw invalidInput(
        `--inputs must be a JSON object keyed by input name, got ${describeJsonType(all)}`,
        'write it like {"name": "Ada"}, or use --input NAME=JSON for one input',
      );
    }
    Object.assign(inputs, all);
  }

  for (const entry of options.input ?? []) {
    const { name, value } = splitAssignment(entry, '--input', 'NAME=JSON or NAME=@file.json', `name='"Ada"'`);
    inputs[name] = await parseJsonArgument(value, `--input ${name}`);
  }

  for (const entry of options.file ?? []) {
    const { name, value } = splitAssignment(entry, '--file', 'NAME=@path', 'file-upload=@data.csv');
    if (!value.startsWith('@') || value.length === 1) {
      throw invalidInput(
        `invalid --file "${entry}": the value must be @ followed by a path`,
        `write --file ${name}=@data.csv`,
      );
    }
    inputs[name] = await fileInput(value.slice(1), name);
  }

  return inputs;
}

/** Splits `NAME=VALUE`; `example` is a valid value of the flag, shown in the usage hint. */
function splitAssignment(
  entry: string,
  flag: string,
  form: string,
  example: string,
): { name: string; value: string } {
  const equals = entry.indexOf('=');
  if (equals <= 0) {
    throw invalidInput(
      `invalid ${flag} "${truncate(entry)}": expected ${form}`,
      `for example ${flag} ${example}`,
    );
  }
  return { name: entry.slice(0, equals), value: entry.slice(equals + 1) };
}

async function parseJsonArgument(text: string, flag: string): Promise<unknown> {
  if (text.startsWith('@')) {
    const path = text.slice(1);
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      throw invalidInput(
        `cannot read the file for ${flag}: ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'check the path after @',
      );
    }
    try {
      return JSON.parse(content);
    } catch (error) {
      throw invalidInput(`invalid JSON in ${path} (${flag}): ${(error as Error).message}`);
    }
  }

  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput(
      `invalid JSON for ${flag}: ${truncate(text)}`,
      `values are JSON: quote strings for the shell, as in ${flag.split(' ')[0]} ${flag.split(' ')[1] ?? 'NAME'}='"text"', or read a file with NAME=@file.json`,
    );
  }
}

async function fileInput(path: string, name: string): Promise<FileInput> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalidInput(`--file ${name}: ${path} is not a regular file`);
  } catch (error) {
    if (error instanceof CliExitError) throw error;
    throw invalidInput(
      `cannot read the file for --file ${name}: ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path after @',
    );
  }
  return { kind: 'file', path, filename: basename(path) };
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
