#!/usr/bin/env node
/**
 * End-to-end demo of the knimectl CLI: starts the KNIME Server simulator on 127.0.0.1 with the
 * workflows in demo/workspace/, runs "/Demo/Hello World" through the built CLI (inputs in,
 * progress on stderr, outputs on stdout), then stops the simulator. Run it with `npm run demo`
 * after `npm ci` (which builds dist/).
 *
 * `npm run demo -- --hub` (or KNIMECTL_DEMO_HUB=1) runs the same demo against the KNIME Business
 * Hub simulator, authenticated with an application password, and also lists the execution
 * contexts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const workspace = fileURLToPath(new URL('../demo/workspace', import.meta.url));

const hub = process.argv.includes('--hub') || process.env.KNIMECTL_DEMO_HUB === '1';

// Demo account of the local simulator: a user name and password, or on the Hub the id and secret
// of an application password. It travels in the environment, never in argv.
const user = hub ? 'demo-app-password-id' : 'demo';
const password = hub ? 'demo-app-password-secret' : 'demo-password';
// The Hub simulator puts each top-level folder of the workspace into a space of its team.
const folder = hub ? '/Users/Simulated Team/Demo' : '/Demo';
const workflow = `${folder}/Hello World`;

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
    [
      bin,
      'simulator',
      ...(hub ? ['--hub'] : []),
      '--port',
      '0',
      '--workspace',
      workspace,
      '--time-scale',
      '4',
    ],
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

/** Environment of the CLI: the caller's, with the demo connection instead of any other one. */
function connectionEnv(url) {
  const env = { ...process.env };
  for (const name of [
    'KNIME_SERVER_URL',
    'KNIME_HUB_URL',
    'KNIME_PROFILE',
    'KNIME_USER',
    'KNIME_PASSWORD',
    'KNIME_APP_PASSWORD_ID',
    'KNIME_APP_PASSWORD',
  ]) {
    delete env[name];
  }
  if (hub) return { ...env, KNIME_HUB_URL: url, KNIME_APP_PASSWORD_ID: user, KNIME_APP_PASSWORD: password };
  return { ...env, KNIME_SERVER_URL: url, KNIME_USER: user, KNIME_PASSWORD: password };
}

/** Runs the CLI with the demo connection in the environment; resolves with the exit code. */
function knimectl(args, url) {
  process.stderr.write(`\n$ knimectl ${args.map(quote).join(' ')}\n`);
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repoDir,
    env: connectionEnv(url),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

function quote(arg) {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const { child: simulator, url } = await startSimulator();
process.stderr.write(`demo: ${hub ? 'Hub simulator' : 'simulator'} serving ${workspace} at ${url}\n`);

let code = 1;
try {
  code = await knimectl(['ls', folder], url);
  if (code === 0 && hub) code = await knimectl(['execution-contexts'], url);
  if (code === 0) code = await knimectl(['describe', workflow], url);
  if (code === 0) code = await knimectl(['run', workflow, '--input', 'name="Ada"'], url);
} finally {
  simulator.kill('SIGTERM');
  await new Promise((resolve) => simulator.once('exit', resolve));
}

const realRun = hub
  ? `Against a real KNIME Business Hub the same run is:

  export KNIME_HUB_URL=https://api.hub.example.test KNIME_APP_PASSWORD_ID=your-application-password-id
  read -rs KNIME_APP_PASSWORD && export KNIME_APP_PASSWORD
  knimectl run "/Users/your-team/your-space/Hello World" --input name='"Ada"' --timeout 15m`
  : `Against a real KNIME Server the same run is:

  export KNIME_SERVER_URL=https://knime.example.test/knime KNIME_USER=your-user
  read -rs KNIME_PASSWORD && export KNIME_PASSWORD
  knimectl run "${workflow}" --input name='"Ada"' --timeout 15m`;
process.stderr.write(`\ndemo: finished with exit code ${code}. ${realRun}\n`);
process.exit(code);
