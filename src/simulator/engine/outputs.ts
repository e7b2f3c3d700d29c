import type { ResourceModel, WorkflowModel } from '../workspace/model.js';
import type { UploadedFile } from './inputs.js';
import type { OutputSpec, RunBehaviour } from './sidecar.js';
import { findParameter, findResource } from './sidecar.js';

/**
 * Builds `outputValues` of a finished run, keyed by the outputs' published names. Returns undefined
 * when the workflow has no output parameter, because KNIME Server then omits the key.
 *
 * @param inputs effective input values keyed by published name (defaults filled in)
 * @param useTemplates return each output's example, as KNIME does for outputs of a failed run
 */
export function computeOutputValues(
  workflow: WorkflowModel,
  behaviour: RunBehaviour,
  inputs: ReadonlyMap<string, unknown>,
  useTemplates: boolean,
): Record<string, unknown> | undefined {
  if (workflow.outputs.length === 0) return undefined;

  const values: Record<string, unknown> = {};
  for (const output of workflow.outputs) {
    const spec = useTemplates ? undefined : behaviour.outputs.get(output.name);
    values[output.name] =
      spec && !('example' in spec) ? evaluateSpec(workflow, spec, inputs) : structuredClone(output.example);
  }
  return values;
}

function evaluateSpec(
  workflow: WorkflowModel,
  spec: OutputSpec,
  inputs: ReadonlyMap<string, unknown>,
): unknown {
  if ('value' in spec) return structuredClone(spec.value);
  if ('template' in spec) return substitute(workflow, spec.template, inputs);
  if ('fromInput' in spec) return lookupInput(workflow, inputs, spec.fromInput, spec.pointer ?? '');
  return undefined;
}

const PLACEHOLDER = /\$\{input:([^}/]+)(\/[^}]*)?\}/g;
const WHOLE_PLACEHOLDER = /^\$\{input:([^}/]+)(\/[^}]*)?\}$/;

/**
 * Replaces `${input:<param>[/json/pointer]}` in every string of `template`. A string that is exactly
 * one placeholder becomes the referenced value itself; elsewhere strings are inserted as they are and
 * other values as JSON text.
 */
function substitute(
  workflow: WorkflowModel,
  template: unknown,
  inputs: ReadonlyMap<string, unknown>,
): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole) return lookupInput(workflow, inputs, whole[1] ?? '', whole[2] ?? '');
    return template.replace(PLACEHOLDER, (_match, name: string, pointer: string | undefined) => {
      const value = lookupInput(workflow, inputs, name, pointer ?? '');
      return typeof value === 'string' ? value : JSON.stringify(value ?? null);
    });
  }
  if (Array.isArray(template)) return template.map((item) => substitute(workflow, item, inputs));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, substitute(workflow, v, inputs)]));
  }
  return template;
}

function lookupInput(
  workflow: WorkflowModel,
  inputs: ReadonlyMap<string, unknown>,
  name: string,
  pointer: string,
): unknown {
  const parameter = findParameter(workflow.inputs, name);
  const value = parameter ? inputs.get(parameter.name) : undefined;
  return structuredClone(resolvePointer(value, pointer));
}

/** Resolves an RFC 6901 JSON pointer; a missing target gives undefined. */
export function resolvePointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) {
      current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    } else if (current !== null && typeof current === 'object') {
      current = Object.hasOwn(current, token) ? (current as Record<string, unknown>)[token] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Bytes of one output resource, generated on demand so large outputs cost no memory until read. */
export interface ResourceContent {
  readonly contentType: string;
  readonly size: number;
  /** A fresh stream of the bytes on each call. */
  stream(): ReadableStream<Uint8Array>;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Content of the output resource `resource` of a run. Without a sidecar entry it is a short text
 * that names the resource and the job.
 */
export function resourceContent(
  resource: ResourceModel,
  behaviour: RunBehaviour,
  files: ReadonlyMap<string, UploadedFile>,
  jobId: string,
  inputResources: readonly ResourceModel[],
): ResourceContent {
  const spec = behaviour.outputResources.get(resource.name);
  if (!spec) {
    return bytesContent(resource.contentType, new TextEncoder().encode(`${resource.name} of job ${jobId}\n`));
  }

  if ('text' in spec) {
    return bytesContent(spec.contentType ?? resource.contentType, new TextEncoder().encode(spec.text));
  }

  if ('fromInput' in spec) {
    const input = findResource(inputResources, spec.fromInput);
    const file = input ? files.get(input.name) : undefined;
    return bytesContent(
      spec.contentType ?? file?.contentType ?? resource.contentType,
      file?.bytes ?? new Uint8Array(),
    );
  }

  const size = spec.bytes;
  const seed = hashString(`${resource.name}\u0000${size}`);
  return {
    contentType: spec.contentType ?? resource.contentType,
    size,
    stream: () => generatedStream(seed, size),
  };
}

function bytesContent(contentType: string, bytes: Uint8Array): ResourceContent {
  return {
    contentType,
    size: bytes.byteLength,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes.slice());
          controller.close();
        },
      }),
  };
}

/**
 * Streams `size` pseudo-random bytes from an xorshift32 sequence. The same seed gives the same
 * bytes, so tests can compare a download with {@link generatedBytes}.
 */
function generatedStream(seed: number, size: number): ReadableStream<Uint8Array> {
  let state = seed || 0x9e3779b9;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= size) {
          controller.close();
          return;
        }
        const length = Math.min(CHUNK_BYTES, size - sent);
        const words = new Uint32Array(Math.ceil(length / 4));
        for (let i = 0; i < words.length; i++) {
          state ^= state << 13;
          state ^= state >>> 17;
          state ^= state << 5;
          state >>>= 0;
          words[i] = state;
        }
        controller.enqueue(new Uint8Array(words.buffer, 0, length));
        sent += length;
      },
    },
    { highWaterMark: 0 },
  );
}

/** All bytes a `{"bytes": size}` resource named `resourceName` streams; for tests with small sizes. */
export async function generatedBytes(resourceName: string, size: number): Promise<Uint8Array> {
  const seed = hashString(`${resourceName}\u0000${size}`);
  return new Uint8Array(await new Response(generatedStream(seed, size)).arrayBuffer());
}

/** FNV-1a hash of a string, used as a seed. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
