/**
 * Command-line frame: builds the commander program from the command table, runs one command and
 * maps what it throws to an exit code. Loads no library or simulator code itself; each command
 * module is imported only when that command runs.
 */
import { Command, CommanderError } from 'commander';
import { type CommandEntry, commandTable } from './commands/table.js';
import type { CommandModule } from './context.js';
import { CliExitError, ExitCode, exitCodeHelp } from './exit.js';
import { Output, processTerminal, type Terminal } from './terminal.js';
import { packageVersion } from './version.js';

/** Runs `knimectl` with `args` (without `node` and the script path) and returns the exit code. */
export async function main(args: string[], terminal: Terminal = processTerminal()): Promise<number> {
  const output = new Output(terminal);

  const rejected = rejectPasswordFlag(args);
  if (rejected !== undefined) {
    output.error(`error: ${rejected.message}`);
    if (rejected.hint) output.error(rejected.hint);
    return rejected.code;
  }

  output.debugEnabled = args.includes('--debug');
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(output, result);

  try {
    await program.parseAsync(args, { from: 'user' });
    return result.code;
  } catch (error) {
    return reportError(error, output);
  }
}

function buildProgram(output: Output, result: { code: number }): Command {
  const program = new Command('knimectl')
    .description('Run, watch and cancel KNIME Server jobs from scripts and schedulers.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--debug', 'trace HTTP requests and decisions on stderr (credentials redacted)')
    .option('-q, --quiet', 'print no progress or messages on stderr, only errors and warnings')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text),
      writeErr: (text) => output.error(text.replace(/\n$/, '')),
    })
    .addHelpText('after', `\n${exitCodeHelp}\n\nRun 'knimectl COMMAND --help' for the flags of a command.`);

  for (const entry of commandTable) register(program, entry, output, result);
  return program;
}

function register(parent: Command, entry: CommandEntry, output: Output, result: { code: number }): void {
  const command = parent.command(entry.name).description(entry.summary);
  command.exitOverride().configureOutput({
    writeOut: (text) => output.out(text),
    writeErr: (text) => output.error(text.replace(/\n$/, '')),
  });
  entry.configure?.(command);

  if (entry.subcommands !== undefined) {
    for (const sub of entry.subcommands) register(command, sub, output, result);
    return;
  }

  const load = entry.load;
  if (load === undefined) throw new Error(`command ${entry.name} has neither subcommands nor a module`);
  command.action(async (...actionArgs: unknown[]) => {
    const own = actionArgs.at(-1) as Command;
    result.code = await runEntry(load, own, actionArgs.slice(0, -2), output);
  });
}

/** Imports a command module, runs it with the parsed arguments and returns its exit code. */
export async function runEntry(
  load: () => Promise<CommandModule>,
  command: Command,
  args: unknown[],
  output: Output,
): Promise<number> {
  const options = command.optsWithGlobals();
  output.debugEnabled = options.debug === true;
  output.quiet = options.quiet === true;

  const module = await load();
  try {
    const code = await module.default({ args: args as string[], options, output, command });
    return code ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof CliExitError && wantsJson(options) && !output.stdoutWritten) {
      // A scheduler that asked for JSON gets a document even when no job was started.
      const document = { exitCode: error.code, error: { message: error.message, hint: error.hint ?? null } };
      output.out(`${JSON.stringify(document)}\n`);
    }
    throw error;
  }
}

function wantsJson(options: Record<string, unknown>): boolean {
  return options.json === true || options.format === 'json';
}

function reportError(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help text).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return ExitCode.ok;
    output.error("Run 'knimectl --help' or 'knimectl COMMAND --help' for usage.");
    return ExitCode.usage;
  }

  if (error instanceof CliExitError) {
    output.error(`error: ${error.message}`);
    if (error.hint) output.error(error.hint);
    if (output.debugEnabled && error.cause instanceof Error && error.cause.stack)
      output.debug(error.cause.stack);
    return error.code;
  }

  // Anything else is a bug in knimectl or an unexpected failure of a dependency.
  const message = error instanceof Error ? error.message : String(error);
  output.error(`error: ${message}`);
  if (output.debugEnabled && error instanceof Error && error.stack) output.debug(error.stack);
  else output.error('Run again with --debug for details.');
  return ExitCode.unavailable;
}

/**
 * Rejects `--password` in any form before commander parses it, so that the value is never echoed in
 * an "unknown option" message.
 */
function rejectPasswordFlag(args: string[]): CliExitError | undefined {
  const endOfOptions = args.indexOf('--');
  const scanned = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  const found = scanned.some((arg) => arg === '--password' || arg.startsWith('--password='));
  if (!found) return undefined;
  return new CliExitError(
    ExitCode.usage,
    'knimectl has no --password flag: a password on the command line is visible to other users in the process list and is kept in shell history',
    'use KNIME_PASSWORD, --password-stdin, --password-file PATH, or a profile (`knimectl config set NAME --password-stdin`)',
  );
}
