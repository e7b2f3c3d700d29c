/**
 * Malformed pipeline files of the bad-input corpus. Each names a pattern its error must contain:
 * the key, value or position that is wrong.
 */

export interface PipelineCase {
  name: string;
  text: string;
  /** What the error message must contain. */
  names: RegExp;
}

const echo = '{ command: [echo] }';

export const BAD_PIPELINES: readonly PipelineCase[] = [
  { name: 'empty-file', text: '', names: /expected object/ },
  { name: 'only-comment', text: '# nothing here\n', names: /expected object/ },
  { name: 'top-level-scalar', text: 'hello\n', names: /received string/ },
  { name: 'top-level-list', text: '- a\n- b\n', names: /received array/ },
  { name: 'binary-junk', text: '\u0000\u0001\u0002steps', names: /:1:1:/ },
  { name: 'steps-null', text: 'steps:\n', names: /steps: .*received null/ },
  { name: 'steps-list', text: 'steps:\n  - kind: command\n', names: /steps: .*received array/ },
  { name: 'steps-string', text: 'steps: all\n', names: /steps: .*received string/ },
  { name: 'steps-empty', text: 'steps: {}\n', names: /at least one step/ },
  { name: 'tab-indentation', text: 'steps:\n\ta:\n\t\tkind: command\n', names: /Tabs/ },
  {
    name: 'unknown-top-key',
    text: `stepz:\n  a: { kind: command, with: ${echo} }\n`,
    names: /unknown key stepz/,
  },
  {
    name: 'unknown-step-key',
    text: `steps:\n  a: { kind: command, with: ${echo}, need: b }\n`,
    names: /unknown key need in steps\.a/,
  },
  {
    name: 'unknown-kind',
    text: `steps:\n  a: { kind: comand, with: ${echo} }\n`,
    names: /unknown step kind comand/,
  },
  { name: 'missing-kind', text: `steps:\n  a: { with: ${echo} }\n`, names: /steps\.a\.kind/ },
  { name: 'missing-with', text: 'steps:\n  a: { kind: command }\n', names: /steps\.a\.with/ },
  {
    name: 'command-string',
    text: 'steps:\n  a: { kind: command, with: { command: echo hi } }\n',
    names: /steps\.a\.with\.command/,
  },
  {
    name: 'command-empty',
    text: 'steps:\n  a: { kind: command, with: { command: [] } }\n',
    names: /steps\.a\.with\.command/,
  },
  {
    name: 'needs-unknown-step',
    text: `steps:\n  a: { kind: command, needs: [b], with: ${echo} }\n`,
    names: /unknown step b/,
  },
  {
    name: 'needs-number',
    text: `steps:\n  a: { kind: command, needs: 5, with: ${echo} }\n`,
    names: /steps\.a\.needs/,
  },
  {
    name: 'needs-itself',
    text: `steps:\n  a: { kind: command, needs: a, with: ${echo} }\n`,
    names: /a needs itself/,
  },
  {
    name: 'timeout-number',
    text: `steps:\n  a: { kind: command, timeout: 30, with: ${echo} }\n`,
    names: /steps\.a\.timeout/,
  },
  {
    name: 'timeout-negative',
    text: `steps:\n  a: { kind: command, timeout: -5s, with: ${echo} }\n`,
    names: /steps\.a\.timeout: must be a duration/,
  },
  {
    name: 'timeout-words',
    text: `steps:\n  a: { kind: command, timeout: a while, with: ${echo} }\n`,
    names: /steps\.a\.timeout/,
  },
  {
    name: 'retries-negative',
    text: `steps:\n  a: { kind: command, retries: { max: -1 }, with: ${echo} }\n`,
    names: /steps\.a\.retries\.max/,
  },
  {
    name: 'retries-string',
    text: `steps:\n  a: { kind: command, retries: lots, with: ${echo} }\n`,
    names: /steps\.a\.retries/,
  },
  {
    name: 'if-number',
    text: `steps:\n  a: { kind: command, if: 42, with: ${echo} }\n`,
    names: /steps\.a\.if/,
  },
  {
    name: 'if-incomplete',
    text: `steps:\n  a: { kind: command, if: "steps.b.outcome ==", with: ${echo} }\n`,
    names: /invalid expression in if/,
  },
  {
    name: 'param-unknown-type',
    text: `params:\n  day: { type: datetime }\nsteps:\n  a: { kind: command, with: ${echo} }\n`,
    names: /params\.day\.type/,
  },
  {
    name: 'param-without-type',
    text: `params:\n  day: {}\nsteps:\n  a: { kind: command, with: ${echo} }\n`,
    names: /params\.day\.type/,
  },
  {
    name: 'name-number',
    text: `name: 5\nsteps:\n  a: { kind: command, with: ${echo} }\n`,
    names: /name: .*received number/,
  },
  {
    name: 'unclosed-quote',
    text: 'steps:\n  a: { kind: command, with: { command: ["echo] } }\n',
    names: /closing "quote/,
  },
  {
    name: 'unclosed-bracket',
    text: 'steps:\n  a: { kind: command, with: { command: [echo }\n',
    names: /end with a \]/,
  },
  {
    name: 'json-missing-brace',
    text: '{"steps": {"a": {"kind": "command", "with": {"command": ["echo"]}}\n',
    names: /end with a \}/,
  },
  {
    name: 'wait-file-and-http',
    text: 'steps:\n  a: { kind: wait, with: { file: x, http: { url: "http://127.0.0.1/" } } }\n',
    names: /exactly one of file or http/,
  },
  {
    name: 'wait-nothing',
    text: 'steps:\n  a: { kind: wait, with: {} }\n',
    names: /exactly one of file or http/,
  },
  {
    name: 'wait-bad-pointer',
    text: 'steps:\n  a: { kind: wait, with: { http: { url: "http://127.0.0.1/", json-pointer: state } } }\n',
    names: /json-pointer/,
  },
  {
    name: 'knime-no-connection',
    text: 'steps:\n  a: { kind: knime, with: { workflow: /A/B } }\n',
    names: /steps\.a\.with\.connection/,
  },
  {
    name: 'knime-relative-workflow',
    text: 'steps:\n  a: { kind: knime, with: { connection: prod, workflow: A } }\n',
    names: /absolute repository path/,
  },
  {
    name: 'reads-step-not-needed',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pipeline expressions use ${{ }}.
    text: 'steps:\n  a: { kind: command, with: { command: [echo], env: { X: "${{ steps.zz.outputs.x }}" } } }\n',
    names: /steps\.zz/,
  },
  {
    name: 'expression-unclosed',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pipeline expressions use ${{ }}.
    text: 'steps:\n  a: { kind: command, with: { command: [echo], env: { X: "${{ params.x" } } }\n',
    names: /unclosed \$\{\{/,
  },
  {
    name: 'env-value-list',
    text: 'steps:\n  a: { kind: command, with: { command: [echo], env: { X: [1] } } }\n',
    names: /steps\.a\.with\.env\.X/,
  },
  {
    name: 'step-name-with-space',
    text: `steps:\n  "a b": { kind: command, with: ${echo} }\n`,
    names: /a b: a step name must start/,
  },
  {
    name: 'deep-nesting',
    text: `steps: ${'['.repeat(500)}${']'.repeat(500)}\n`,
    names: /steps: .*received array/,
  },
  // YAML alias errors surface only when the document is converted to data.
  { name: 'unresolved-alias', text: 'steps:\n  a: *missing\n', names: /missing/ },
  {
    name: 'alias-bomb',
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]
steps:
  a: { kind: command, with: { command: [echo] } }
`,
    names: /alias/,
  },
];
