#!/usr/bin/env node
/**
 * Entry of the `knimectl` command. `--version` is handled here without loading commander or any
 * command, so that schedulers probing the tool start fast.
 */
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { main } = await import('./main.js');
  const code = await main(args);
  // Open keep-alive sockets or timers must not hold a scheduler's step after the result is known.
  // Writes to pipes and files are synchronous on Linux and macOS, so nothing printed is lost.
  process.exit(code);
}
