/**
 * The command table: names, flags and help of every command. Command modules are imported only
 * when their command runs, so `--help` and `--version` load neither the library nor a simulator.
 */
import { type Command, Option } from 'commander';
import { addConnectionOptions } from '../connection.js';
import type { CommandModule } from '../context.js';
import { exitCodeHelp } from '../exit.js';
import {
  addRemoteConnectionOptions,
  alteryxNames,
  oozieNames,
  remoteConnectionNote,
} from './alteryx-oozie-connection.js';

/** One command of the table; groups have `subcommands` instead of `load`. */
export interface CommandEntry {
  /** Name with positional arguments, as commander expects it, such as `run <workflow>`. */
  name: string;
  summary: string;
  configure?: (command: Command) => void;
  load?: () => Promise<CommandModule>;
  subcommands?: CommandEntry[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function addInputOptions(command: Command): void {
  command
    .option(
      '--input <NAME=JSON>',
      'one input as JSON, or NAME=@file.json to read it from a file (repeatable)',
      collect,
    )
    .option('--inputs <@FILE|JSON>', 'all inputs as one JSON object, inline or from @file.json')
    .option(
      '--file <NAME=@PATH>',
      'a file input (Container Input (File)), sent as a multipart part (repeatable)',
      collect,
    );
}

function addFormatOptions(command: Command, withProperties = true): void {
  const formats = withProperties ? ['human', 'json', 'properties'] : ['human', 'json'];
  command
    .option('--json', 'print one JSON document on stdout (same as --format json)')
    .addOption(
      new Option('--format <format>', 'output on stdout: human, json or properties (key=value lines)')
        .choices(formats)
        .default('human'),
    );
}

function addWaitOptions(command: Command): void {
  command
    .option(
      '--timeout <duration>',
      'overall deadline, such as 90s, 15m or 2h (units ms, s, m, h); the job is cancelled when it passes (default: none)',
    )
    .option('--load-timeout <duration>', 'deadline for the job to start executing', '60s')
    .addOption(
      new Option(
        '--discard <policy>',
        'when to discard the job afterwards: always, never, on-success, on-failure',
      )
        .choices(['always', 'never', 'on-success', 'on-failure'])
        .default('on-success'),
    )
    .option('--accept-partial', 'treat EXECUTION_FAILED_WITH_CONTENT as success (default: failure)')
    .option('--output-dir <dir>', 'write output files (Container Output (File)) into this folder');
}

function addRequestOptions(command: Command): void {
  command
    .option('--retries <count>', 'retries of reads after connection errors or HTTP 5xx, 408, 429', '4')
    .option('--request-timeout <duration>', 'limit of one HTTP request (units ms, s, m, h)', '60s');
}

function addAlteryxOptions(command: Command): void {
  addRemoteConnectionOptions(command, alteryxNames);
  addRequestOptions(command);
  command.option(
    '--cancel-route',
    'cancel through DELETE v3/jobs/{id}, which the documented API V3 lacks; only for servers known to offer it',
  );
}

function addOozieOptions(command: Command): void {
  addRemoteConnectionOptions(command, oozieNames);
  addRequestOptions(command);
}

function addPipelineRunOptions(command: Command): void {
  command
    .option('--ledger <path>', 'ledger file (SQLite)', '.knimectl/ledger.db')
    .option('--max-parallel <count>', 'maximum number of steps running at once', '4')
    .option(
      '--poll-interval <duration>',
      'poll interval of steps that poll, unless a step sets its own (units ms, s, m, h)',
      '5s',
    );
  addFormatOptions(command, false);
}

function addHubJobOptions(command: Command): void {
  command
    .option(
      '--deployment <id|name>',
      'Hub only: run a deployment instead of a workflow, by id (rest:<uuid>) or by name',
    )
    .option('--team <name>', 'Hub only: team in which --deployment NAME is looked up')
    .option('--space <name>', 'Hub only: space in which --deployment NAME is looked up')
    .option(
      '--execution-context <id|name>',
      "Hub only: execution context of a workflow's job (default: the one of its space)",
    )
    .option(
      '--item-version <version>',
      'Hub only: version of the workflow, a number, most-recent or current-state (default: the current state)',
    );
}

const hubNote = `
On a KNIME Business Hub (--hub or KNIME_HUB_URL) the workflow is a Hub path such as
"/Users/<team>/<space>/<workflow>" or an item id such as "*Ab3dEf6hIj9kLm2n"; give either it or
--deployment. The user is the application password id (KNIME_APP_PASSWORD_ID) and the password
its secret (KNIME_APP_PASSWORD). A full, stopped or disabled execution context exits 7.`;

const pipelineNote = `
A step's "connection" names a profile of 'knimectl config': its server, alteryx or oozie URL
picks the client. The password comes from the profile or from KNIMECTL_PASSWORD_<NAME>
(upper case, other characters replaced by _).

Exit codes: 0 succeeded, 1 a step failed, 2 invalid file, parameters or run id,
5 the pipeline timeout passed, 6 cancelled, 130/143 interrupted by SIGINT/SIGTERM.`;

const connectionNote = `
Connection: --server, then KNIME_SERVER_URL, then the profile (--profile, KNIME_PROFILE, or the
default profile of 'knimectl config'). Password: --password-stdin or --password-file, then
KNIME_PASSWORD, then the profile. There is no --password flag.

${exitCodeHelp}`;

export const commandTable: CommandEntry[] = [
  {
    name: 'run [workflow]',
    summary: 'run a workflow as a job, wait for it, print its outputs and discard it',
    configure: (command) => {
      addConnectionOptions(command);
      addHubJobOptions(command);
      addInputOptions(command);
      addWaitOptions(command);
      addFormatOptions(command);
      command.addHelpText(
        'after',
        `
Examples:
  knimectl run "/Demo/Hello World" --input name='"Ada"'
  knimectl run /Reports/Daily --inputs @inputs.json --timeout 30m --json
  knimectl run /Ingest --file upload=@data.csv --output-dir out/
  knimectl run --hub https://api.hub.example.test --deployment "Daily Sales" --team Finance
${hubNote}
${connectionNote}`,
      );
    },
    load: () => import('./run.js'),
  },
  {
    name: 'start [workflow]',
    summary: 'start a job and print its id without waiting for the result',
    configure: (command) => {
      addConnectionOptions(command);
      addHubJobOptions(command);
      addInputOptions(command);
      command
        .option('--async', 'return right after the execution request, before the job is seen executing')
        .option(
          '--load-timeout <duration>',
          'deadline for the job to start executing (ignored with --async)',
          '60s',
        );
      addFormatOptions(command, false);
      command.addHelpText(
        'after',
        `
Prints the job id on stdout. Follow it with 'knimectl wait JOB_ID' or 'knimectl status JOB_ID'.
Without --async, start waits until the job is executing, so load errors and rejected inputs show
up as exit codes 1 and 8.
${hubNote}
${connectionNote}`,
      );
    },
    load: () => import('./start.js'),
  },
  {
    name: 'status <jobId>',
    summary: 'print the state of a job',
    configure: (command) => {
      addConnectionOptions(command);
      addFormatOptions(command);
    },
    load: () => import('./status.js'),
  },
  {
    name: 'wait <jobId>',
    summary: 'wait for a job to finish, then print its outputs like run',
    configure: (command) => {
      addConnectionOptions(command);
      addWaitOptions(command);
      addFormatOptions(command);
      command.addHelpText('after', connectionNote);
    },
    load: () => import('./wait.js'),
  },
  {
    name: 'cancel <jobId>',
    summary: 'cancel the execution of a job',
    configure: (command) => {
      addConnectionOptions(command);
      command.option('--discard', 'discard the job after cancelling it');
    },
    load: () => import('./cancel.js'),
  },
  {
    name: 'discard <jobId>',
    summary: 'discard a job (frees its executor memory); a job that no longer exists is a warning',
    configure: (command) => addConnectionOptions(command),
    load: () => import('./discard.js'),
  },
  {
    name: 'jobs',
    summary: 'list jobs, optionally of one workflow or in some states',
    configure: (command) => {
      addConnectionOptions(command);
      command
        .option('--workflow <path>', 'only jobs of this workflow, such as "/Demo/Hello World"')
        .option(
          '--state <state>',
          'only jobs in this raw state or outcome, such as EXECUTING or failed (repeatable)',
          collect,
        );
      addFormatOptions(command, false);
    },
    load: () => import('./jobs.js'),
  },
  {
    name: 'ls [path]',
    summary: 'list workflows and folders in the repository (default path /)',
    configure: (command) => {
      addConnectionOptions(command);
      command.option('-R, --recursive', 'list the whole tree below the path');
      addFormatOptions(command, false);
    },
    load: () => import('./ls.js'),
  },
  {
    name: 'describe <workflow>',
    summary: "show a workflow's inputs and outputs with example values",
    configure: (command) => {
      addConnectionOptions(command);
      addFormatOptions(command, false);
    },
    load: () => import('./describe.js'),
  },
  {
    name: 'outputs <jobId>',
    summary: 'print the output values of a finished job, and download its output files',
    configure: (command) => {
      addConnectionOptions(command);
      command.option('--output-dir <dir>', 'write output files (Container Output (File)) into this folder');
      addFormatOptions(command);
    },
    load: () => import('./outputs.js'),
  },
  {
    name: 'deployments',
    summary: 'list the deployments of a KNIME Business Hub, of every team of the user or of one',
    configure: (command) => {
      addConnectionOptions(command);
      command
        .option('--team <name>', 'only deployments of this team (name or account id)')
        .option('--space <name>', 'only deployments of workflows in this space')
        .addOption(
          new Option('--type <type>', 'only deployments of this type').choices([
            'rest',
            'schedule',
            'data-app',
            'trigger',
          ]),
        );
      addFormatOptions(command, false);
      command.addHelpText(
        'after',
        `
Run one with 'knimectl run --deployment ID' or 'knimectl run --deployment NAME --team TEAM'.
${connectionNote}`,
      );
    },
    load: () => import('./deployments.js'),
  },
  {
    name: 'execution-contexts',
    summary: 'list the execution contexts of a KNIME Business Hub with their capacity',
    configure: (command) => {
      addConnectionOptions(command);
      command.option('--team <name>', 'only execution contexts of this team (name or account id)');
      addFormatOptions(command, false);
      command.addHelpText(
        'after',
        `
STATUS is available, full (its loaded jobs reached the limit), stopped (no executor runs) or
disabled. Pick one for a job with 'knimectl run WORKFLOW --execution-context NAME'.
${connectionNote}`,
      );
    },
    load: () => import('./execution-contexts.js'),
  },
  {
    name: 'simulator',
    summary: 'serve a local KNIME Server simulator on 127.0.0.1 for tests and demos',
    configure: (command) => {
      command
        .option('--port <number>', 'TCP port on 127.0.0.1; 0 picks a free one', '8080')
        .option(
          '--workspace <dir>',
          'folder of KNIME workflows to serve (default: the packaged demo/workspace)',
        )
        .option(
          '--user <name:password>',
          'accepted user (repeatable; env KNIME_SIMULATOR_USERS=name:password,…)',
          collect,
        )
        .option('--context-root <path>', 'servlet context before /rest/v4', '/knime')
        .option(
          '--time-scale <factor>',
          'simulated milliseconds per real millisecond (10 runs jobs 10 times faster)',
          '1',
        )
        .option('--faults <file>', 'JSON file with fault-injection rules (latency, 5xx, resets, …)')
        .option(
          '--seed <number>',
          'seed of job ids and fault draws (default: random job ids; a seed in the --faults file wins)',
        )
        .option(
          '--hub',
          'serve the KNIME Business Hub simulator instead (--user takes application password id:secret)',
        )
        .option('--alteryx', 'serve the Alteryx Server API V3 simulator instead')
        .option('--oozie', 'serve the Oozie Web Services API simulator instead')
        .option('--config <file>', 'with --alteryx: workflows file; with --oozie: simulator options file');
      command.addHelpText(
        'after',
        `
Prints the REST root URL (for --server) as its first stdout line, then serves until SIGINT or SIGTERM.`,
      );
    },
    load: () => import('./simulator.js'),
  },
  {
    name: 'config',
    summary: 'manage connection profiles in $XDG_CONFIG_HOME/knimectl/config.json',
    subcommands: [
      {
        name: 'list',
        summary: 'list profiles (passwords are never printed)',
        configure: (command) => addFormatOptions(command, false),
        load: () => import('./config-list.js'),
      },
      {
        name: 'show <name>',
        summary: 'show one profile (the password is shown as "(set)")',
        configure: (command) => addFormatOptions(command, false),
        load: () => import('./config-show.js'),
      },
      {
        name: 'set <name>',
        summary: 'create or update a profile',
        configure: (command) =>
          command
            .option('--server <url>', 'KNIME Server URL')
            .option('--hub <url>', 'KNIME Business Hub API root (user = application password id)')
            .option('--alteryx <url>', 'Alteryx Server Web API address (for pipeline steps; user = API key)')
            .option('--oozie <url>', 'Oozie base URL (for pipeline steps; user = user.name)')
            .option('--user <name>', 'user name')
            .option(
              '--app-password-id <id>',
              'KNIME Business Hub application password id (used with --hub; wins over --user there)',
            )
            .option('--password-stdin', 'read the password from standard input and store it (file mode 0600)')
            .option('--password-file <path>', 'read the password from a file and store it (file mode 0600)')
            .option('--ca-file <path>', 'PEM file with extra CA certificates')
            .option(
              '--unset <key>',
              'remove a key from the profile: server, hub, alteryx, oozie, user, app-password-id, password or ca-file (repeatable)',
              collect,
            )
            .option('--default', 'make this the default profile'),
        load: () => import('./config-set.js'),
      },
      {
        name: 'remove <name>',
        summary: 'remove a profile',
        load: () => import('./config-remove.js'),
      },
    ],
  },
  {
    name: 'pipeline',
    summary: 'run, resume and inspect pipelines of KNIME, Alteryx, Oozie and command steps',
    subcommands: [
      {
        name: 'run <file>',
        summary: 'run a pipeline file (YAML or JSON) and record it in the ledger',
        configure: (command) => {
          addPipelineRunOptions(command);
          command
            .option('--param <name=value>', 'pipeline parameter (repeatable)', collect)
            .option('--rerun', 'run again although a run with the same pipeline and parameters succeeded');
          command.addHelpText('after', pipelineNote);
        },
        load: () => import('./pipeline-run.js'),
      },
      {
        name: 'resume <runId>',
        summary: 'continue an interrupted, failed or cancelled run without repeating finished steps',
        configure: (command) => {
          addPipelineRunOptions(command);
          command.option(
            '--allow-changed-pipeline',
            'resume although the pipeline file changed since the run started',
          );
          command.addHelpText('after', pipelineNote);
        },
        load: () => import('./pipeline-run.js'),
      },
      {
        name: 'runs',
        summary: 'list runs of the ledger, newest first',
        configure: (command) => {
          command
            .option('--ledger <path>', 'ledger file', '.knimectl/ledger.db')
            .option('--pipeline <name>', 'only runs of this pipeline')
            .option('--limit <count>', 'maximum number of runs', '50');
          addFormatOptions(command, false);
        },
        load: () => import('./pipeline-query.js'),
      },
      {
        name: 'status <runId>',
        summary: 'show a run with its steps and attempts',
        configure: (command) => {
          command.option('--ledger <path>', 'ledger file', '.knimectl/ledger.db');
          addFormatOptions(command, false);
        },
        load: () => import('./pipeline-query.js'),
      },
      {
        name: 'validate <file>',
        summary: 'check a pipeline file and list every problem as file:line:column',
        load: () => import('./pipeline-query.js'),
      },
      {
        name: 'graph <file>',
        summary: 'draw the steps and their needs as Mermaid or DOT text',
        configure: (command) =>
          command.addOption(
            new Option('--format <format>', 'graph language').choices(['mermaid', 'dot']).default('mermaid'),
          ),
        load: () => import('./pipeline-query.js'),
      },
    ],
  },
  {
    name: 'alteryx',
    summary: 'run, watch and inspect Alteryx Server jobs (API V3, OAuth 2)',
    subcommands: [
      {
        name: 'run <workflow>',
        summary: 'queue a job of an app (id or exact name), wait for it and print its result',
        configure: (command) => {
          addAlteryxOptions(command);
          command
            .option(
              '--answer <NAME=VALUE>',
              'answer to an app question; repeat a name for a multi-select question (repeatable)',
              collect,
            )
            .option('--answers <@FILE|JSON>', 'all answers as one JSON object, inline or from @file.json')
            .addOption(
              new Option(
                '--priority <priority>',
                'job priority (default: not sent, the server decides)',
              ).choices(['Default', 'Low', 'Medium', 'High', 'Critical']),
            )
            .option('--worker-tag <tag>', 'run on workers with this tag')
            .option('--credential-id <id>', 'stored credential to run under (for workflows that require one)')
            .option(
              '--timeout <duration>',
              'overall deadline, such as 90s, 15m or 2h (units ms, s, m, h); the job keeps running afterwards (default: none)',
            )
            .option('--queue-timeout <duration>', 'maximum time the job may stay queued (default: none)')
            .option('--poll-interval <duration>', 'first pause between job reads; it grows to 30s', '1s')
            .option('--warnings-as-errors', 'treat disposition Warning as a failure (default: success)')
            .option('--output-dir <dir>', 'download the output files of a succeeded job into this folder');
          addFormatOptions(command);
          command.addHelpText(
            'after',
            `
Alteryx Server API V3 has no cancel call. After --timeout or Ctrl-C the command exits 5 or 130/143
and the job keeps running on the server, unless --cancel-route is given and the server accepts
DELETE v3/jobs/{id}. Missing answers to questions without a default exit 8 and are listed.

Examples:
  knimectl alteryx run "Monthly Sales App" --answer StartDate=2026-12-01 --answer Channels=Retail --answer Channels=Online
  knimectl alteryx run 6540f2a1b3c4d5e6f7a8b9c0 --answers @answers.json --timeout 2h --json
${remoteConnectionNote(alteryxNames)}

${exitCodeHelp}`,
          );
        },
        load: () => import('./alteryx-run.js'),
      },
      {
        name: 'status <jobId>',
        summary: 'print the status, disposition, outputs and error messages of a job',
        configure: (command) => {
          addAlteryxOptions(command);
          addFormatOptions(command);
          command.addHelpText('after', remoteConnectionNote(alteryxNames));
        },
        load: () => import('./alteryx-status.js'),
      },
      {
        name: 'cancel <jobId>',
        summary: 'cancel a job; only possible with --cancel-route, because API V3 has no cancel call',
        configure: (command) => {
          addAlteryxOptions(command);
          command.addHelpText(
            'after',
            `
Without --cancel-route, a queued or running job is not touched and the command exits 8. A job that
has already ended exits 0.
${remoteConnectionNote(alteryxNames)}`,
          );
        },
        load: () => import('./alteryx-cancel.js'),
      },
    ],
  },
  {
    name: 'oozie',
    summary: 'run, watch and kill Oozie workflow jobs (Oozie Web Services API)',
    subcommands: [
      {
        name: 'run <appPath>',
        summary: 'submit and start a workflow job, wait for it and print its result',
        configure: (command) => {
          addOozieOptions(command);
          command
            .option(
              '--property <NAME=VALUE>',
              'job property, such as queueName=default (repeatable)',
              collect,
            )
            .option(
              '--properties <@FILE|JSON>',
              'job properties as a JSON object, or @job.properties (key=value lines) or @file.json',
            )
            .option(
              '--external-id <id>',
              'oozie.wf.external.id; a job that already has it is adopted, not submitted again (default: random)',
            )
            .option(
              '--timeout <duration>',
              'overall deadline, such as 90s, 15m or 2h (units ms, s, m, h); the job is killed when it passes (default: none)',
            )
            .option('--poll-interval <duration>', 'first pause between job reads; it grows to 30s', '1s')
            .addOption(
              new Option('--on-suspended <policy>', 'when the job is SUSPENDED: fail, wait or resume it')
                .choices(['fail', 'wait', 'resume'])
                .default('fail'),
            );
          addFormatOptions(command);
          command.addHelpText(
            'after',
            `
A job that ends KILLED through its kill node, or FAILED, exits 1; one killed by someone else exits 6.
The outputs are the captured output (<capture-output/>) of each action, by action name.

Examples:
  knimectl oozie run hdfs://nn.example.test:8020/user/etl/apps/load --property queueName=default
  knimectl oozie run hdfs://nn.example.test:8020/user/etl/apps/load --properties @job.properties --timeout 1h --json
${remoteConnectionNote(oozieNames)}

${exitCodeHelp}`,
          );
        },
        load: () => import('./oozie-run.js'),
      },
      {
        name: 'status <jobId>',
        summary: 'print the status, actions output and failing action of a workflow job',
        configure: (command) => {
          addOozieOptions(command);
          addFormatOptions(command);
          command.addHelpText('after', remoteConnectionNote(oozieNames));
        },
        load: () => import('./oozie-status.js'),
      },
      {
        name: 'kill <jobId>',
        summary: 'kill a workflow job; a job that has already ended is left alone',
        configure: (command) => {
          addOozieOptions(command);
          command.addHelpText('after', remoteConnectionNote(oozieNames));
        },
        load: () => import('./oozie-kill.js'),
      },
    ],
  },
  {
    name: 'completion <shell>',
    summary: 'print a shell completion script for bash or zsh',
    configure: (command) =>
      command.addHelpText(
        'after',
        `
Examples:
  knimectl completion bash > ~/.local/share/bash-completion/completions/knimectl
  knimectl completion zsh > "\${fpath[1]}/_knimectl"`,
      ),
    load: () => import('./completion.js'),
  },
];
