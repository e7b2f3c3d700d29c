// Preloaded with `node --import`: records every module URL the process resolves into the file named
// by KNIMECTL_TRACE_IMPORTS, one per line, to check which modules a command loads.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const target = process.env.KNIMECTL_TRACE_IMPORTS;
if (target) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => appendFileSync(target, `${url}\n`));
  port1.unref();
  register(
    `data:text/javascript,${encodeURIComponent(`
      let port;
      export function initialize(data) { port = data.port; }
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        port.postMessage(result.url);
        return result;
      }
    `)}`,
    { data: { port: port2 }, transferList: [port2] },
  );
}
