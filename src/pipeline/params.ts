import { PipelineParamError } from './errors.js';
import type { JsonValue } from './steps/types.js';

export type ParamType = 'string' | 'number' | 'boolean' | 'date';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly default?: JsonValue;
  readonly description?: string;
}

/** Tells whether `text` is a real calendar date in the form YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/**
 * Converts a param value to its declared type. Text (from the command line) is parsed; values of the
 * right type (from a YAML default) pass. Returns an error message instead of a value when it does not fit.
 */
export function coerceParam(spec: ParamSpec, value: unknown): { value: JsonValue } | { error: string } {
  const shown = JSON.stringify(value);
  switch (spec.type) {
    case 'string':
      return typeof value === 'string'
        ? { value }
        : { error: `param ${spec.name}: ${shown} is not a string` };
    case 'number': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      return Number.isFinite(number)
        ? { value: number }
        : { error: `param ${spec.name}: ${shown} is not a number` };
    }
    case 'boolean':
      if (value === true || value === 'true') return { value: true };
      if (value === false || value === 'false') return { value: false };
      return { error: `param ${spec.name}: ${shown} is not a boolean; use true or false` };
    case 'date':
      return typeof value === 'string' && isIsoDate(value)
        ? { value }
        : { error: `param ${spec.name}: ${shown} is not a valid date; use YYYY-MM-DD, such as 2026-12-04` };
  }
}

/**
 * Builds the params of a run from `given` (name to text, as from `--param name=value`) and the
 * declared defaults. Throws {@link PipelineParamError} listing every unknown, missing or invalid param.
 */
export function resolveParams(
  specs: readonly ParamSpec[],
  given: Readonly<Record<string, string | JsonValue>>,
): Record<string, JsonValue> {
  const problems: string[] = [];
  const result: Record<string, JsonValue> = {};
  const declared = new Map(specs.map((spec) => [spec.name, spec]));

  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = specs.map((spec) => spec.name).join(', ') || 'none';
      problems.push(`unknown param ${name}; the pipeline declares: ${known}`);
    }
  }

  for (const spec of specs) {
    const raw = Object.hasOwn(given, spec.name) ? given[spec.name] : spec.default;
    if (raw === undefined) {
      problems.push(`param ${spec.name} (${spec.type}) is required; pass --param ${spec.name}=<value>`);
      continue;
    }
    const coerced = coerceParam(spec, raw);
    if ('error' in coerced) problems.push(coerced.error);
    else result[spec.name] = coerced.value;
  }

  if (problems.length > 0) throw new PipelineParamError(problems.join('\n'));
  return result;
}

/** Parses `name=value` texts from the command line into a map; throws for a text without `=`. */
export function parseParamArguments(texts: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new PipelineParamError(`invalid --param ${JSON.stringify(text)}: use name=value`);
    result[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return result;
}
