#!/usr/bin/env node
/**
 * End-to-end demo of the knimectl CLI: starts the KNIME Server simulator on 127.0.0.1 with the
 * workflows in demo/workspace/, runs "/Demo/Hello World" through the built CLI (inputs in,
 * progress on stderr, outputs on stdout), then stops the simulator. Run it with `npm run demo`
 * after `npm ci` (which builds dist/).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const workspace = fileURLToPath(new URL('../demo/workspace', import.meta.url));

// Demo account of the local simulator. It travels in the environment, never in argv.
const user = 'demo';
const password = 'demo-password';
const workflow = '/Demo/Hello World';

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

if (!existsSync(bin)) fail(`${bin} is missing; run \`npm run build\` first`);
if (!existsSync(workspace)) fail(`${workspace} is missing; the demo needs the demo workflows`);

/** Starts `knimectl simulator` and resolves with the process and the URL from its first line. */
function startSimulator() {
  const child = spawn(
    process.execPath,
    [bin, 'simulator', '--port', '0', '--workspace', workspace, '--time-scale', '4'],
    {
      cwd: repoDir,
      env: { ...process.env, KNIME_SIMULATOR_USERS: `${user}:${password}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (url) => resolve({ child, url: url.trim() }));
    child.once('exit', (code) =>
      reject(new Error(`the simulator exited with code ${code} before printing its URL`)),
    );
  });
}

/** Runs the CLI with the demo connection in the environment; resolves with the exit code. */
function knimectl(args, serverUrl) {
  process.stderr.write(`\n$ knimectl ${args.map(quote).join(' ')}\n`);
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repoDir,
    env: { ...process.env, KNIME_SERVER_URL: serverUrl, KNIME_USER: user, KNIME_PASSWORD: password },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

function quote(arg) {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const { child: simulator, url } = await startSimulator();
process.stderr.write(`demo: simulator serving ${workspace} at ${url}\n`);

let code = 1;
try {
  code = await knimectl(['ls', '/Demo'], url);
  if (code === 0) code = await knimectl(['describe', workflow], url);
  if (code === 0) code = await knimectl(['run', workflow, '--input', 'name="Ada"'], url);
} finally {
  simulator.kill('SIGTERM');
  await new Promise((resolve) => simulator.once('exit', resolve));
}

process.stderr.write(`
demo: finished with exit code ${code}. Against a real KNIME Server the same run is:

  export KNIME_SERVER_URL=https://knime.example.test/knime KNIME_USER=your-user
  read -rs KNIME_PASSWORD && export KNIME_PASSWORD
  knimectl run "${workflow}" --input name='"Ada"' --timeout 15m
`);
process.exit(code);
