/**
 * Source of the small supervisor process that runs one attempt of a `command` step. The runner starts
 * it with `node -e` in a new process group, so it survives a crash of the runner, and a resumed run can
 * read the command's exit status from the attempt folder.
 *
 * Arguments: attempt folder, working directory, then the command and its arguments. Files it writes
 * in the attempt folder:
 * - `claim`: created exclusively before anything runs, containing `supervisor <pid>`. A resumed run that
 *   finds no claim creates it itself (`reconciled`), and a supervisor that starts late then exits
 *   without running the command, so the command runs at most once per attempt.
 * - `stdout.log`, `stderr.log`: the command's output streams.
 * - `status.json`: `{ exitCode, signal, error, endedAt }`, written atomically after the command ended.
 *
 * While the command runs, the supervisor ignores SIGTERM and SIGINT (the command, in the same process
 * group, receives them too) so it can still record the exit status.
 */
export const SUPERVISOR_SOURCE = `
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const [dir, cwd, command, ...args] = process.argv.slice(1);

let claim;
try {
  claim = fs.openSync(path.join(dir, 'claim'), 'wx');
} catch {
  process.exit(75);
}
fs.writeSync(claim, 'supervisor ' + process.pid);
fs.closeSync(claim);

function writeStatus(status) {
  const temporary = path.join(dir, 'status.json.tmp');
  fs.writeFileSync(temporary, JSON.stringify({ ...status, endedAt: Date.now() }));
  fs.renameSync(temporary, path.join(dir, 'status.json'));
}

process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

const stdout = fs.openSync(path.join(dir, 'stdout.log'), 'a');
const stderr = fs.openSync(path.join(dir, 'stderr.log'), 'a');
const child = spawn(command, args, { cwd, stdio: ['ignore', stdout, stderr], env: process.env });
child.on('error', (error) => {
  writeStatus({ exitCode: null, signal: null, error: String(error && error.message) });
  process.exit(0);
});
child.on('exit', (code, signal) => {
  writeStatus({ exitCode: code, signal, error: null });
  process.exit(0);
});
`;
