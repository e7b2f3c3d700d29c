import {
  type ActionSpec,
  type ApplicationInput,
  actionSpecSchema,
  applicationSchema,
  type CoordinatorApp,
  type OozieSimulatorConfig,
  type WorkflowApp,
  workflowAppSchema,
} from './options.js';

export type Application = WorkflowApp | CoordinatorApp;

/** Root of the default application paths. */
export const DEFAULT_APP_ROOT = 'hdfs://nn.example.test:8020/user/etl/apps';

function action(input: Partial<ActionSpec> & { name: string }): ActionSpec {
  return actionSpecSchema.parse(input);
}

const SHELL_ERROR_MESSAGE = 'Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]';

/** Expands a scenario name into the actions of a three-step load workflow. */
export function expandScenario(scenario: string, appName?: string): WorkflowApp {
  const extract = action({ name: 'extract', type: 'shell', durationMs: 20_000, data: { rows: '1200' } });
  const load = action({ name: 'load', type: 'hive2', durationMs: 40_000 });
  const publish = action({ name: 'publish', type: 'shell', durationMs: 10_000, data: { published: 'true' } });

  const base = { kind: 'workflow' as const, appName };
  switch (scenario) {
    case 'success':
      return workflowAppSchema.parse({ ...base, actions: [extract, load, publish] });
    case 'fail-via-kill-node':
      return workflowAppSchema.parse({
        ...base,
        actions: [
          extract,
          { ...load, type: 'shell', outcome: 'error', errorCode: '1', errorMessage: SHELL_ERROR_MESSAGE },
          publish,
        ],
      });
    case 'fail-unexpected':
      return workflowAppSchema.parse({
        ...base,
        actions: [
          extract,
          {
            ...load,
            outcome: 'failed',
            errorCode: 'JA009',
            errorMessage:
              'Cannot initialize Cluster. Please check your configuration for mapreduce.framework.name',
          },
          publish,
        ],
      });
    case 'hang':
      return workflowAppSchema.parse({ ...base, actions: [extract, { ...load, outcome: 'hang' }, publish] });
    case 'start-manual':
      return workflowAppSchema.parse({
        ...base,
        actions: [
          extract,
          {
            ...load,
            outcome: 'start-manual',
            errorCode: 'JA006',
            errorMessage: 'Call From launcher timed out',
          },
          publish,
        ],
      });
    default: {
      const match = /^suspend-at-step:(\d+)$/.exec(scenario);
      if (!match) throw new Error(`unknown Oozie simulator scenario "${scenario}"`);
      return workflowAppSchema.parse({
        ...base,
        actions: [extract, load, publish],
        suspendAtStep: Number(match[1]),
      });
    }
  }
}

/** The applications every simulator serves unless `replaceDefaults` is set. */
export function defaultApplications(): Record<string, ApplicationInput> {
  return {
    [`${DEFAULT_APP_ROOT}/daily-load`]: { scenario: 'success' },
    [`${DEFAULT_APP_ROOT}/failing-load`]: { scenario: 'fail-via-kill-node' },
    [`${DEFAULT_APP_ROOT}/broken-cluster`]: { scenario: 'fail-unexpected' },
    [`${DEFAULT_APP_ROOT}/suspending-load`]: { scenario: 'suspend-at-step:2' },
    [`${DEFAULT_APP_ROOT}/hanging-load`]: { scenario: 'hang' },
    [`${DEFAULT_APP_ROOT}/manual-load`]: { scenario: 'start-manual' },
    [`${DEFAULT_APP_ROOT}/quick`]: {
      actions: [{ name: 'run', type: 'shell', durationMs: 1_000, data: { result: 'ok' } }],
    },
    [`${DEFAULT_APP_ROOT}/hourly-coordinator`]: {
      kind: 'coordinator',
      workflowAppPath: `${DEFAULT_APP_ROOT}/daily-load`,
      actionCount: 2,
      frequencyMinutes: 60,
    },
  };
}

/** Builds the application table from the config, keyed by normalised application path. */
export function resolveApplications(config: OozieSimulatorConfig): Map<string, Application> {
  const inputs = config.replaceDefaults
    ? config.applications
    : { ...defaultApplications(), ...config.applications };

  const table = new Map<string, Application>();
  for (const [path, input] of Object.entries(inputs)) {
    const parsed = applicationSchema.parse(input);
    const app = 'scenario' in parsed ? expandScenario(parsed.scenario, parsed.appName) : parsed;
    table.set(normaliseAppPath(path), app);
  }
  return table;
}

/** Application paths compare without trailing slashes and without a trailing `/workflow.xml`. */
export function normaliseAppPath(path: string): string {
  return path
    .trim()
    .replace(/\/(workflow|coordinator)\.xml$/, '')
    .replace(/\/+$/, '');
}

/** Workflow that a submit with an unknown path runs when `unknownApplication` is `success`. */
export function fallbackWorkflow(): WorkflowApp {
  return workflowAppSchema.parse({ actions: [{ name: 'run', durationMs: 1_000 }] });
}
