import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { printResult, resultFormat } from '../print.js';
import { resultDocument } from '../result.js';
import { connectionOptions } from './shared.js';

/** `knimectl outputs JOB_ID`: print the output values of a job and download its output files. */
export default async function outputs({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const format = resultFormat(options);
  const client = await connect(connectionOptions(options), output);
  const handle = client.getJob(jobId);

  try {
    const status = await handle.status();
    const values = await handle.outputs();
    const document = resultDocument(status, { outputs: values });

    if (typeof options.outputDir === 'string') {
      const downloads = await handle.downloadOutputs(options.outputDir);
      document.files = Object.fromEntries(downloads.map((download) => [download.name, download.path]));
      for (const download of downloads) output.info(`wrote ${download.path} (${download.bytes} bytes)`);
    }
    printResult(document, format, output, true);
  } catch (error) {
    throw toExitError(error);
  }
  return 0;
}
