/**
 * Loading a pipeline file: YAML with positions, the common schema, each step's `with:` block against
 * its kind, the dependency graph and every expression. All problems are collected, each with
 * `file:line:column`, and thrown together as one {@link PipelineFileError}.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { visit } from 'yaml';
import type { z } from 'zod';
import { DependencyGraph, findCycles } from './dag.js';
import { parseDuration } from './duration.js';
import { ExpressionError, PipelineFileError, type PipelineIssue, type SourcePosition } from './errors.js';
import {
  collectReferences,
  EXPRESSION_FUNCTIONS,
  EXPRESSION_ROOTS,
  STATUS_FUNCTIONS,
} from './expression/evaluate.js';
import {
  EXPRESSION_CLOSE,
  EXPRESSION_OPEN,
  type Expr,
  hasExpression,
  parseExpression,
  parseTemplate,
} from './expression/parser.js';
import { coerceParam, type ParamSpec } from './params.js';
import { pipelineBaseSchema, type retriesSchema, stepBaseSchema } from './schema.js';
import { type DocumentPath, SourceFile } from './source.js';
import { findStepKind, stepKinds } from './steps/registry.js';
import type { AnyStepKind } from './steps/types.js';
import { LOOPBACK_HOSTS } from './steps/wait.js';

/** Retry policy of a step, with durations in milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly max: number;
  readonly delayMs: number;
  readonly backoff: number;
  readonly maxDelayMs: number;
}

/** A step of a loaded pipeline. */
export interface PipelineStep {
  readonly name: string;
  readonly kind: AnyStepKind;
  readonly description: string | undefined;
  readonly needs: readonly string[];
  /** Parsed `if:`; `success()` when the file has none, and `success() && (...)` when it calls no status function. */
  readonly condition: Expr;
  /** `if:` as written, or `success()` when absent. */
  readonly conditionSource: string;
  /** Offset of the expression within the `if:` value (after a `${{` wrapper), for error positions. */
  readonly conditionOffset: number;
  readonly timeoutMs: number | undefined;
  readonly retries: RetryPolicy;
  readonly continueOnError: boolean;
  readonly pollIntervalMs: number | undefined;
  /** The `with:` block as written, expressions unresolved. */
  readonly with: unknown;
}

/** A loaded, valid pipeline file. */
export interface Pipeline {
  /** Absolute path of the file. */
  readonly file: string;
  readonly name: string;
  readonly description: string | undefined;
  /** SHA-256 of the file's bytes, hex. */
  readonly hash: string;
  readonly params: readonly ParamSpec[];
  readonly env: Readonly<Record<string, string>>;
  readonly allowedHosts: readonly string[];
  readonly timeoutMs: number | undefined;
  /** Steps in file order. */
  readonly steps: readonly PipelineStep[];
  /** Maps a path in the document (and optionally a character of a string value) to its position. */
  locate(path: DocumentPath, offsetInValue?: number): SourcePosition;
}

const DEFAULT_RETRY: RetryPolicy = { max: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 };

function retryPolicy(value: z.infer<typeof retriesSchema> | undefined, fallback: RetryPolicy): RetryPolicy {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return { ...DEFAULT_RETRY, max: value };
  return {
    max: value.max,
    delayMs: value.delay ? parseDuration(value.delay)! : DEFAULT_RETRY.delayMs,
    backoff: value.backoff ?? DEFAULT_RETRY.backoff,
    maxDelayMs: value['max-delay'] ? parseDuration(value['max-delay'])! : DEFAULT_RETRY.maxDelayMs,
  };
}

/** Turns zod issues into positioned issues; `prefix` is the document path of the checked value. */
function zodIssues(
  source: SourceFile,
  error: { issues: readonly z.core.$ZodIssue[] },
  prefix: DocumentPath,
  skip?: (path: DocumentPath) => boolean,
): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  for (const issue of error.issues) {
    const issuePath = [...prefix, ...(issue.path as (string | number)[])];
    if (skip?.(issue.path as (string | number)[])) continue;

    // For a union (such as retries: a count or an object), report the branch that got furthest.
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const depth = (branch: readonly z.core.$ZodIssue[]) =>
        Math.max(0, ...branch.map((inner) => inner.path.length));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
      if (depth(best) > 0) {
        issues.push(...zodIssues(source, { issues: best }, issuePath));
        continue;
      }
    }

    const where = issuePath.length > 0 ? issuePath.join('.') : 'file';
    if (issue.code === 'invalid_key') {
      const key = String(issuePath.at(-1));
      const reason = issue.issues.map((inner) => inner.message).join('; ');
      issues.push({ ...source.locateKey(issuePath.slice(0, -1), key), message: `${where}: ${reason}` });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ ...source.locateKey(issuePath, key), message: `unknown key ${key} in ${where}` });
      }
      continue;
    }
    issues.push({ ...source.locate(issuePath), message: `${where}: ${issue.message}` });
  }
  return issues;
}

/** Tells whether the value at `subPath` of `root`, or one of its parents, is a string with an expression. */
function isUnderExpression(root: unknown, subPath: DocumentPath): boolean {
  let value: unknown = root;
  for (const key of subPath) {
    if (typeof value === 'string') return hasExpression(value);
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string | number, unknown>)[key];
  }
  return typeof value === 'string' && hasExpression(value);
}

/** Yields every string in `value` with its path, for expression checks. */
function* stringsIn(value: unknown, at: (string | number)[]): Generator<[string, (string | number)[]]> {
  if (typeof value === 'string') yield [value, at];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, [...at, i]);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...at, key]);
  }
}

interface ExpressionScope {
  readonly params: ReadonlySet<string>;
  /** Steps the expression may read; `undefined` where no step may be read (pipeline env). */
  readonly steps: { has(name: string): boolean } | undefined;
  readonly step: string | undefined;
  readonly statusFunctions: boolean;
}

/** Checks the names and functions an expression uses; returns messages with offsets in the expression. */
function checkExpression(expr: Expr, scope: ExpressionScope): { message: string; offset: number }[] {
  const problems: { message: string; offset: number }[] = [];
  const { references, calls } = collectReferences(expr);

  for (const ref of references) {
    if (!(EXPRESSION_ROOTS as readonly string[]).includes(ref.root)) {
      problems.push({
        message: `unknown name ${ref.root}; expressions start with params, steps or env`,
        offset: ref.offset,
      });
    } else if (ref.root === 'params' && ref.name !== undefined && !scope.params.has(ref.name)) {
      const known = [...scope.params].join(', ') || 'none';
      problems.push({
        message: `params.${ref.name} is not declared (declared params: ${known})`,
        offset: ref.offset,
      });
    } else if (ref.root === 'steps' && ref.name !== undefined) {
      if (scope.steps === undefined) {
        problems.push({
          message: `steps.${ref.name} cannot be used here, only inside a step`,
          offset: ref.offset,
        });
      } else if (!scope.steps.has(ref.name)) {
        problems.push({
          message: `step ${scope.step} reads steps.${ref.name} but does not depend on it; add ${ref.name} to its needs`,
          offset: ref.offset,
        });
      }
    }
  }

  for (const call of calls) {
    const arity = EXPRESSION_FUNCTIONS[call.name];
    if (arity === undefined) {
      problems.push({
        message: `unknown function ${call.name}(); available: ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')}`,
        offset: call.offset,
      });
    } else if (call.args.length !== arity) {
      problems.push({
        message: `${call.name}() takes ${arity} argument(s), got ${call.args.length}`,
        offset: call.offset,
      });
    } else if (!scope.statusFunctions && (STATUS_FUNCTIONS as readonly string[]).includes(call.name)) {
      problems.push({ message: `${call.name}() can only be used in if:`, offset: call.offset });
    }
  }
  return problems;
}

/** Checks every `${{ }}` in the strings of `value`, located under `docPath`. */
function checkTemplates(
  source: SourceFile,
  value: unknown,
  docPath: DocumentPath,
  scope: ExpressionScope,
): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  for (const [text, at] of stringsIn(value, [])) {
    if (!hasExpression(text)) continue;
    const fullPath = [...docPath, ...at];
    try {
      for (const part of parseTemplate(text)) {
        if (part.type !== 'expression') continue;
        for (const problem of checkExpression(part.expr, scope)) {
          issues.push({ ...source.locate(fullPath, part.offset + problem.offset), message: problem.message });
        }
      }
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push({
        ...source.locate(fullPath, error.offset),
        message: `invalid expression: ${error.message}`,
      });
    }
  }
  return issues;
}

/** Parses `if:`, which may be written bare or wrapped in `${{ }}`. Returns the expression and its offset in the value. */
function parseCondition(text: string): { expr: Expr; offset: number } {
  const trimmed = text.trim();
  let body = text;
  let offset = 0;
  if (trimmed.startsWith(EXPRESSION_OPEN) && trimmed.endsWith(EXPRESSION_CLOSE)) {
    offset = text.indexOf(EXPRESSION_OPEN) + EXPRESSION_OPEN.length;
    body = text.slice(offset, text.lastIndexOf(EXPRESSION_CLOSE));
  }
  try {
    return { expr: parseExpression(body), offset };
  } catch (error) {
    if (error instanceof ExpressionError) throw new ExpressionError(error.message, offset + error.offset);
    throw error;
  }
}

function callsStatusFunction(expr: Expr): boolean {
  return collectReferences(expr).calls.some((call) =>
    (STATUS_FUNCTIONS as readonly string[]).includes(call.name),
  );
}

const SUCCESS_CALL: Expr = { type: 'call', name: 'success', args: [], offset: 0 };

/**
 * Converts the YAML document to plain data. The parser reports an unresolved alias and an alias
 * that expands too far (a resource exhaustion attempt) only here, as a plain error, so it is turned
 * into a {@link PipelineFileError} at the first alias of the file.
 */
function documentData(source: SourceFile): unknown {
  try {
    return source.document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    let offset = 0;
    visit(source.document, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const reason = error instanceof Error ? error.message : String(error);
    throw new PipelineFileError([source.issueAt(offset, `invalid YAML alias: ${reason}`)]);
  }
}

/**
 * Parses and checks pipeline text. Throws {@link PipelineFileError} with every problem found.
 * `file` is used in positions and as the default pipeline name.
 */
export function parsePipeline(text: string, file: string): Pipeline {
  const source = new SourceFile(file, text);
  const issues: PipelineIssue[] = [...source.syntaxIssues()];
  issues.push(
    ...source.findDuplicateKeys((at, key) =>
      at.length === 1 && at[0] === 'steps'
        ? `duplicate step name ${key}`
        : `duplicate key ${key}${at.length > 0 ? ` in ${at.join('.')}` : ''}`,
    ),
  );
  if (issues.length > 0) throw new PipelineFileError(sortIssues(issues));

  const data = documentData(source);
  const base = pipelineBaseSchema.safeParse(data);
  let file0: z.infer<typeof pipelineBaseSchema>;
  if (base.success) {
    file0 = base.data;
  } else {
    issues.push(...zodIssues(source, base.error, []));
    // Unknown top-level keys alone do not hide the problems in the steps: check those too.
    const loose = pipelineBaseSchema.loose().safeParse(data);
    if (!loose.success) throw new PipelineFileError(sortIssues(issues));
    file0 = loose.data;
  }

  const params: ParamSpec[] = [];
  for (const [name, spec] of Object.entries(file0.params ?? {})) {
    const param: ParamSpec = { name, type: spec.type, default: spec.default, description: spec.description };
    if (spec.default !== undefined) {
      const coerced = coerceParam(param, spec.default);
      if ('error' in coerced) {
        issues.push({
          ...source.locate(['params', name, 'default']),
          message: `default of ${coerced.error}`,
        });
        params.push({ ...param, default: undefined });
      } else {
        params.push({ ...param, default: coerced.value });
      }
      continue;
    }
    params.push(param);
  }
  const paramNames = new Set(params.map((param) => param.name));

  const defaultRetry = retryPolicy(file0.defaults?.retries, DEFAULT_RETRY);
  const stepEntries = Object.entries(file0.steps);
  if (stepEntries.length === 0)
    issues.push({ ...source.locate(['steps']), message: 'steps: a pipeline needs at least one step' });

  // First pass: the common fields and each kind's with: block.
  const parsedSteps: {
    name: string;
    fields: z.infer<typeof stepBaseSchema>;
    kind: AnyStepKind;
    needs: string[];
  }[] = [];
  for (const [name, raw] of stepEntries) {
    const result = stepBaseSchema.safeParse(raw);
    if (!result.success) {
      issues.push(...zodIssues(source, result.error, ['steps', name]));
      continue;
    }
    const fields = result.data;
    const kind = findStepKind(fields.kind);
    if (!kind) {
      issues.push({
        ...source.locate(['steps', name, 'kind']),
        message: `unknown step kind ${fields.kind}; available kinds: ${stepKinds.map((k) => k.name).join(', ')}`,
      });
      continue;
    }

    const config = kind.configSchema.safeParse(fields.with ?? {});
    if (!config.success) {
      const withPath = ['steps', name, 'with'];
      const located = zodIssues(
        source,
        config.error,
        fields.with === undefined ? ['steps', name] : withPath,
        (sub) => isUnderExpression(fields.with, sub),
      );
      issues.push(
        ...located.map((issue) =>
          fields.with === undefined
            ? { ...issue, message: `steps.${name}.with: ${issue.message.replace(/^[^:]*: /, '')}` }
            : issue,
        ),
      );
    }

    let needs: string[] = [];
    if (typeof fields.needs === 'string') needs = [fields.needs];
    else if (fields.needs !== undefined) needs = fields.needs;
    parsedSteps.push({ name, fields, kind, needs });
  }

  // Second pass: the dependency graph.
  const allNames = new Set(stepEntries.map(([name]) => name));
  for (const step of parsedSteps) {
    const seen = new Set<string>();
    step.needs.forEach((need, index) => {
      const at =
        typeof step.fields.needs === 'string'
          ? ['steps', step.name, 'needs']
          : ['steps', step.name, 'needs', index];
      if (need === step.name)
        issues.push({ ...source.locate(at), message: `step ${step.name} needs itself` });
      else if (!allNames.has(need)) {
        issues.push({
          ...source.locate(at),
          message: `step ${step.name} needs unknown step ${need}; steps in this file: ${[...allNames].join(', ')}`,
        });
      } else if (seen.has(need))
        issues.push({ ...source.locate(at), message: `step ${step.name} lists ${need} twice in needs` });
      seen.add(need);
    });
  }
  const graph = parsedSteps.map((step) => ({
    name: step.name,
    needs: step.needs.filter((n) => allNames.has(n) && n !== step.name),
  }));
  for (const cycle of findCycles(graph)) {
    issues.push({
      ...source.locate(['steps', cycle[0]!, 'needs']),
      message: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }

  // Third pass: expressions in env, if and with.
  issues.push(
    ...checkTemplates(source, file0.env ?? {}, ['env'], {
      params: paramNames,
      steps: undefined,
      step: undefined,
      statusFunctions: false,
    }),
  );

  const dependencies = new DependencyGraph(graph);
  const steps: PipelineStep[] = [];
  for (const step of parsedSteps) {
    const scope: ExpressionScope = {
      params: paramNames,
      steps: { has: (name) => dependencies.dependsOn(step.name, name) },
      step: step.name,
      statusFunctions: false,
    };
    issues.push(...checkTemplates(source, step.fields.with, ['steps', step.name, 'with'], scope));

    let condition: Expr = SUCCESS_CALL;
    let conditionSource = 'success()';
    let conditionOffset = 0;
    const written = step.fields.if;
    if (typeof written === 'boolean') {
      condition = { type: 'literal', value: written, offset: 0 };
      conditionSource = String(written);
    } else if (typeof written === 'string') {
      const at = ['steps', step.name, 'if'];
      try {
        const parsed = parseCondition(written);
        for (const problem of checkExpression(parsed.expr, { ...scope, statusFunctions: true })) {
          issues.push({ ...source.locate(at, parsed.offset + problem.offset), message: problem.message });
        }
        condition = callsStatusFunction(parsed.expr)
          ? parsed.expr
          : { type: 'binary', operator: '&&', left: SUCCESS_CALL, right: parsed.expr, offset: 0 };
        conditionSource = written;
        conditionOffset = parsed.offset;
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        issues.push({
          ...source.locate(at, error.offset),
          message: `invalid expression in if: ${error.message}`,
        });
      }
    }

    const timeout = step.fields.timeout ?? file0.defaults?.timeout;
    const pollInterval = step.fields['poll-interval'] ?? file0.defaults?.['poll-interval'];
    steps.push({
      name: step.name,
      kind: step.kind,
      description: step.fields.description,
      needs: step.needs,
      condition,
      conditionSource,
      conditionOffset,
      timeoutMs: timeout ? parseDuration(timeout) : undefined,
      retries: retryPolicy(step.fields.retries, defaultRetry),
      continueOnError: step.fields['continue-on-error'] ?? false,
      pollIntervalMs: pollInterval ? parseDuration(pollInterval) : undefined,
      with: step.fields.with ?? {},
    });
  }

  if (issues.length > 0) throw new PipelineFileError(sortIssues(issues));

  return {
    file,
    name: file0.name ?? path.basename(file).replace(/\.(ya?ml)$/i, ''),
    description: file0.description,
    hash: createHash('sha256').update(text).digest('hex'),
    params,
    env: file0.env ?? {},
    allowedHosts: file0['allowed-hosts'] ?? [...LOOPBACK_HOSTS],
    timeoutMs: file0.timeout ? parseDuration(file0.timeout) : undefined,
    steps,
    locate: (at, offset) => source.locate(at, offset),
  };
}

function sortIssues(issues: PipelineIssue[]): PipelineIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Reads and checks a pipeline file. Throws {@link PipelineFileError} when it cannot be read or is invalid. */
export async function loadPipeline(file: string): Promise<Pipeline> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new PipelineFileError([
      { file: absolute, line: 1, column: 1, message: `cannot read pipeline file: ${reason}` },
    ]);
  }
  return parsePipeline(text, absolute);
}

/** Result of {@link validatePipeline}. */
export interface ValidationResult {
  readonly ok: boolean;
  readonly issues: readonly PipelineIssue[];
  readonly pipeline: Pipeline | undefined;
}

/** Checks a pipeline file and returns every problem with its position instead of throwing. */
export async function validatePipeline(file: string): Promise<ValidationResult> {
  try {
    const pipeline = await loadPipeline(file);
    return { ok: true, issues: [], pipeline };
  } catch (error) {
    if (error instanceof PipelineFileError) return { ok: false, issues: error.issues, pipeline: undefined };
    throw error;
  }
}
