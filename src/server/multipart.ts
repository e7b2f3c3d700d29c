import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import type { PreparedInputs } from '../job/types.js';

/** Whether the inputs need a multipart body (any file input). */
export function needsMultipart(inputs: PreparedInputs): boolean {
  return Object.keys(inputs.files).length > 0;
}

/**
 * Builds the multipart body of an execution: one `application/json` part per JSON input and one
 * file part per file input, each named like the parameter. Files are streamed from disk through
 * `fs.openAsBlob`. `fetch` generates the `Content-Type` header with the boundary.
 * @throws InvalidInputError when a file cannot be opened
 */
export async function buildMultipart(inputs: PreparedInputs): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(inputs.json)) {
    form.append(name, new Blob([JSON.stringify(value)], { type: 'application/json' }), `${name}.json`);
  }
  for (const [name, file] of Object.entries(inputs.files)) {
    const contentType = file.contentType ?? 'application/octet-stream';
    let blob: Blob;
    if (file.blob) {
      blob = file.blob.type === contentType ? file.blob : new Blob([file.blob], { type: contentType });
    } else if (file.path) {
      try {
        blob = await openAsBlob(file.path, { type: contentType });
      } catch (error) {
        throw new InvalidInputError(
          `cannot read the file "${file.path}" for input \`${name}\`: ${(error as Error).message}`,
          { names: [name], cause: error },
        );
      }
    } else {
      throw new InvalidInputError(`file input \`${name}\` has neither a path nor content`, { names: [name] });
    }
    const filename = file.filename ?? (file.path ? basename(file.path) : 'upload');
    form.append(name, blob, filename);
  }
  return form;
}
