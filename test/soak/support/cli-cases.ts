/**
 * Command-line cases of the bad-input corpus: each runs the built CLI against a loopback simulator
 * of the demo workspace and names the exit code and the text stderr must contain.
 */

/** One CLI case. `args` may use `{url}` (the simulator URL) and `{dir}` (a temporary folder). */
export interface CliCase {
  name: string;
  args: string[];
  /** Environment on top of the connection variables; `null` removes a variable. */
  env?: Record<string, string | null>;
  stdin?: string;
  exitCode: number;
  /** Text stderr must contain, naming the bad value. */
  names: RegExp;
}

export const CLI_CASES: readonly CliCase[] = [
  { name: 'run without workflow', args: ['run'], exitCode: 2, names: /workflow/ },
  { name: 'unknown command', args: ['frobnicate'], exitCode: 2, names: /frobnicate/ },
  {
    name: 'unknown flag',
    args: ['run', '/Demo/Hello World', '--frobnicate'],
    exitCode: 2,
    names: /--frobnicate/,
  },
  {
    name: 'timeout without unit',
    args: ['run', '/Demo/Hello World', '--timeout', '90'],
    exitCode: 2,
    names: /90/,
  },
  {
    name: 'timeout of words',
    args: ['run', '/Demo/Hello World', '--timeout', 'soon'],
    exitCode: 2,
    names: /soon/,
  },
  {
    name: 'negative timeout',
    args: ['run', '/Demo/Hello World', '--timeout', '-5s'],
    exitCode: 2,
    names: /-5s/,
  },
  {
    name: 'load timeout of parsecs',
    args: ['run', '/Demo/Hello World', '--load-timeout', '5pc'],
    exitCode: 2,
    names: /5pc/,
  },
  {
    name: 'request timeout of zero',
    args: ['status', 'x', '--request-timeout', '0s'],
    exitCode: 2,
    names: /--request-timeout.*0s/,
  },
  {
    name: 'load timeout of zero',
    args: ['run', '/Demo/Hello World', '--load-timeout', '0ms'],
    exitCode: 2,
    names: /--load-timeout.*0ms/,
  },
  { name: 'negative retries', args: ['status', 'x', '--retries', '-1'], exitCode: 2, names: /-1/ },
  { name: 'retries of words', args: ['status', 'x', '--retries', 'many'], exitCode: 2, names: /many/ },
  {
    name: 'unknown format',
    args: ['run', '/Demo/Hello World', '--format', 'xml'],
    exitCode: 2,
    names: /xml/,
  },
  {
    name: 'unknown discard policy',
    args: ['run', '/Demo/Hello World', '--discard', 'sometimes'],
    exitCode: 2,
    names: /sometimes/,
  },
  {
    name: 'input without equals sign',
    args: ['run', '/Demo/Hello World', '--input', 'name'],
    exitCode: 8,
    names: /name/,
  },
  {
    name: 'input with invalid JSON',
    args: ['run', '/Demo/Hello World', '--input', 'name={"unclosed'],
    exitCode: 8,
    names: /name/,
  },
  {
    name: 'input with unknown name',
    args: ['run', '/Demo/Hello World', '--input', 'nmae="Ada"'],
    exitCode: 8,
    names: /nmae.*name/s,
  },
  {
    name: 'inputs that are not JSON',
    args: ['run', '/Demo/Hello World', '--inputs', '{name: Ada}'],
    exitCode: 8,
    names: /inputs/,
  },
  {
    name: 'inputs that are an array',
    args: ['run', '/Demo/Hello World', '--inputs', '[1, 2]'],
    exitCode: 8,
    names: /inputs/,
  },
  {
    name: 'inputs file missing',
    args: ['run', '/Demo/Hello World', '--inputs', '@{dir}/missing.json'],
    exitCode: 8,
    names: /missing\.json/,
  },
  {
    name: 'input file missing',
    args: ['run', '/Demo/Hello World', '--input', 'name=@{dir}/missing.json'],
    exitCode: 8,
    names: /missing\.json/,
  },
  {
    name: 'file input missing',
    args: ['run', '/Demo/File Convert', '--file', 'file-upload=@{dir}/missing.csv'],
    exitCode: 8,
    names: /missing\.csv/,
  },
  {
    name: 'file input without @',
    args: ['run', '/Demo/File Convert', '--file', 'file-upload'],
    exitCode: 8,
    names: /file-upload/,
  },
  { name: 'workflow not found', args: ['run', '/Demo/Nope'], exitCode: 4, names: /\/Demo\/Nope/ },
  {
    name: 'job id not found',
    args: ['status', '00000000-0000-4000-8000-000000000000'],
    exitCode: 4,
    names: /00000000-0000-4000-8000-000000000000/,
  },
  {
    name: 'wrong password',
    args: ['ls', '/'],
    env: { KNIME_PASSWORD: 'not-the-password' },
    exitCode: 3,
    names: /401|authenticat/i,
  },
  {
    name: 'server URL missing',
    args: ['ls', '/'],
    env: { KNIME_SERVER_URL: null },
    exitCode: 2,
    names: /KNIME_SERVER_URL|--server/,
  },
  {
    name: 'server URL not a URL',
    args: ['ls', '/', '--server', 'not a url'],
    exitCode: 2,
    names: /not a url/,
  },
  {
    name: 'server URL of another scheme',
    args: ['ls', '/', '--server', 'ftp://127.0.0.1/knime'],
    exitCode: 2,
    names: /ftp/,
  },
  {
    name: 'server URL of wrong path',
    args: ['ls', '/', '--server', '{origin}/wrong'],
    exitCode: 7,
    names: /\/wrong/,
  },
  {
    name: 'password file missing',
    args: ['ls', '/', '--password-file', '{dir}/missing-password'],
    exitCode: 2,
    names: /missing-password/,
  },
  { name: 'profile unknown', args: ['ls', '/', '--profile', 'nosuch'], exitCode: 2, names: /nosuch/ },
  {
    name: 'completion for unknown shell',
    args: ['completion', 'fish-and-chips'],
    exitCode: 2,
    names: /fish-and-chips/,
  },
];
