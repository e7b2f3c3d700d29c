import type { Command } from 'commander';
import type { Output } from './terminal.js';

/** Input of a command: its positional arguments, merged options and the output. */
export interface CommandContext {
  args: string[];
  /** Options of the command merged with the global ones (`--debug`, `--quiet`). */
  options: Record<string, unknown>;
  output: Output;
  command: Command;
}

/** Shape of every lazily imported command module. Returns the exit code (undefined means 0). */
export interface CommandModule {
  default: (context: CommandContext) => Promise<number | undefined>;
}
