#!/usr/bin/env node
/**
 * Entry of the `knimectl` command. `--version` is handled here without loading commander or any
 * command, so that schedulers probing the tool start fast.
 */
const args = process.argv.slice(2);

// A reader that closes the pipe early (`knimectl --help | head -1`) no longer wants the output.
// Node reports that as an EPIPE error on stdout instead of ending the process, so end it here
// quietly rather than crash with an unhandled error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { main } = await import('./main.js');
  const code = await main(args);
  process.exitCode = code;
  // The process ends once stdout and stderr are flushed. An open keep-alive socket or timer must
  // not hold a scheduler's step after the result is known, so a timer that does not itself keep the
  // process alive ends it after a short grace period.
  setTimeout(() => process.exit(code), 2000).unref();
}
