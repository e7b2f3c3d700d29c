import { z } from 'zod';
import type { SimClock } from '../common/clock.js';
import type { FaultConfig } from '../common/faults.js';

/**
 * Outcome of one workflow action. `ok` succeeds. `error` fails the action (`ERROR`), and the job
 * takes the error transition to the kill node and ends `KILLED`, as real workflows do. `failed`
 * ends the job `FAILED`, as an unexpected engine error does. `hang` never finishes. `start-manual`
 * leaves the action in `START_MANUAL`, waiting for a human.
 */
export const actionOutcomeSchema = z.enum(['ok', 'error', 'failed', 'hang', 'start-manual']);
export type ActionOutcome = z.infer<typeof actionOutcomeSchema>;

/** One action node of a simulated workflow. */
export const actionSpecSchema = z.strictObject({
  name: z.string().min(1),
  /** Action type as Oozie reports it, such as `shell`, `hive2`, `spark`, `java`. */
  type: z.string().min(1).default('shell'),
  /** Simulated run time in milliseconds of simulator clock. */
  durationMs: z.number().int().min(0).default(30_000),
  outcome: actionOutcomeSchema.default('ok'),
  /** `errorCode` of the action when it fails. */
  errorCode: z.string().optional(),
  /** `errorMessage` of the action when it fails. */
  errorMessage: z.string().optional(),
  /** Captured output (`<capture-output/>`), reported as Java properties text in the action's `data`. */
  data: z.record(z.string(), z.string()).optional(),
  /** Extra log lines the action writes to the job log. */
  logLines: z.array(z.string()).default([]),
});
export type ActionSpec = z.infer<typeof actionSpecSchema>;

/** A workflow application: the actions it runs, in order. */
export const workflowAppSchema = z.strictObject({
  kind: z.literal('workflow').default('workflow'),
  /** `appName` of jobs, the `name` attribute of the workflow XML. Defaults to the path's last segment. */
  appName: z.string().optional(),
  actions: z.array(actionSpecSchema).min(1),
  /**
   * Suspend the job when it reaches the action with this 1-based index, before the action starts,
   * as an operator running `oozie job -suspend` would.
   */
  suspendAtStep: z.number().int().min(1).optional(),
  /** Message of the kill node (`E0729`); `{failedAction}` and `{errorMessage}` are replaced. */
  killMessage: z.string().default('{failedAction} failed, error message[{errorMessage}]'),
});
export type WorkflowApp = z.infer<typeof workflowAppSchema>;

/** A coordinator application that materialises a fixed number of actions, each one workflow job. */
export const coordinatorAppSchema = z.strictObject({
  kind: z.literal('coordinator'),
  appName: z.string().optional(),
  /** Application path of the workflow that each coordinator action runs. */
  workflowAppPath: z.string().min(1),
  /** Number of coordinator actions to materialise. */
  actionCount: z.number().int().min(1).default(1),
  /** Distance between two nominal times, in minutes, reported as `frequency`. */
  frequencyMinutes: z.number().int().min(1).default(60),
  /** Delay of the first action after submission, in milliseconds of simulator clock. */
  startDelayMs: z.number().int().min(0).default(0),
});
export type CoordinatorApp = z.infer<typeof coordinatorAppSchema>;

/** Shorthand scenarios for a workflow application, expanded by `expandScenario`. */
export const scenarioNameSchema = z.union([
  z.enum(['success', 'fail-via-kill-node', 'fail-unexpected', 'hang', 'start-manual']),
  z.string().regex(/^suspend-at-step:[1-9]\d*$/),
]);

export const applicationSchema = z.union([
  workflowAppSchema,
  coordinatorAppSchema,
  z.strictObject({ scenario: scenarioNameSchema, appName: z.string().optional() }),
]);
export type ApplicationInput = z.input<typeof applicationSchema>;

export const authModeSchema = z.enum(['simple', 'kerberos-stub']);

export const oozieSimulatorOptionsSchema = z.strictObject({
  /**
   * Applications keyed by application path (`oozie.wf.application.path` or
   * `oozie.coord.application.path`). Merged over the default set unless `replaceDefaults` is true.
   */
  applications: z.record(z.string(), applicationSchema).default({}),
  replaceDefaults: z.boolean().default(false),
  /**
   * Handling of a submit with an unknown application path: `reject` returns 400 `E0505`, `success`
   * runs a one-action workflow that succeeds.
   */
  unknownApplication: z.enum(['reject', 'success']).default('reject'),
  /**
   * `simple` takes the user from `user.name`. `kerberos-stub` returns 401 with
   * `WWW-Authenticate: Negotiate` until a request carries any `Negotiate` token or a valid
   * `hadoop.auth` cookie.
   */
  auth: authModeSchema.default('simple'),
  /** With `simple`, whether requests without `user.name` are accepted. */
  anonymousAllowed: z.boolean().default(true),
  /**
   * HTTP Basic credentials checked by a simulated proxy in front of Oozie. When set, every request
   * needs one of them; the Basic user name becomes the authenticated user.
   */
  proxyBasicAuth: z.array(z.strictObject({ username: z.string(), password: z.string() })).optional(),
  /** Lifetime of the `hadoop.auth` cookie the simulator hands out after a login, in seconds. */
  tokenValiditySeconds: z.number().int().min(1).default(36_000),
  /** User that a `kerberos-stub` login maps to when the request has no `user.name`. */
  kerberosUser: z.string().default('etl'),
  /** Users allowed to impersonate others through `doAs`. */
  proxyUsers: z.array(z.string()).default([]),
  /** Overwrite `user.name` of a submitted configuration with the authenticated user. */
  overwriteUserName: z.boolean().default(true),
  /** Number of job reads (GET and PUT on `/job/{id}`) after a submit that return 400 `E0604`. */
  invisibleAfterSubmit: z.number().int().min(0).default(0),
  /** Milliseconds of simulator clock after a submit during which job reads answer 400 `E0604`. */
  invisibleForMs: z.number().int().min(0).default(0),
  /** Whether the `external-id` lookup is also blind during `invisibleAfterSubmit` and `invisibleForMs`. */
  invisibleAffectsLookup: z.boolean().default(false),
  systemMode: z.enum(['NORMAL', 'SAFEMODE', 'NOWEBSERVICE']).default('NORMAL'),
  /** Reproduce old releases where a kill rewrote finished jobs to `KILLED`. */
  legacyKillRewritesFinished: z.boolean().default(false),
  /** Reproduce Oozie 4.0, where a kill was accepted with 200 but the job kept running. */
  killIneffective: z.boolean().default(false),
  /** Emit the WS API document's shapes (`jobs`, coordinator `id`/`appName`) instead of the server's. */
  docShapes: z.boolean().default(false),
  /** Quote the charset of the JSON content type (`charset="UTF-8"`), as the server code does. */
  contentTypeCharsetQuoted: z.boolean().default(true),
  /** Protocol versions returned by `GET /oozie/versions` and served under `/oozie/v{n}`. */
  versions: z.array(z.number().int()).default([0, 1, 2]),
  buildVersion: z.string().default('5.2.1-sim'),
  /**
   * Handling of a rerun without `oozie.wf.rerun.skip.nodes` and `oozie.wf.rerun.failnodes`: `all`
   * runs every action again, `reject` returns 400 `E0401`.
   */
  rerunWithoutNodeOption: z.enum(['all', 'reject']).default('all'),
  /** Whether actions that failed in an earlier run succeed on a rerun (the data was fixed). */
  rerunHeals: z.boolean().default(false),
  /** Id part after the sequence and start time, as in `0000001-260101000000000-oozie-sim-W`. */
  systemId: z.string().default('oozie-sim'),
});

export type OozieSimulatorConfig = z.infer<typeof oozieSimulatorOptionsSchema>;

/** Options of {@link createOozieSimulator}: the JSON-able config plus runtime objects. */
export type OozieSimulatorOptions = z.input<typeof oozieSimulatorOptionsSchema> & {
  /** Clock of all simulated durations. @default a `RealClock` at scale 1 */
  clock?: SimClock;
  /** Fault rules applied per route before the Oozie handlers. */
  faults?: FaultConfig;
  /** Base URL used in `consoleUrl` fields. @default http://127.0.0.1:11000/oozie */
  publicUrl?: string;
};
