import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoDir } from '../support/fixtures.js';
import { binPath, runCli } from './helpers.js';

const version = (JSON.parse(readFileSync(`${repoDir}/package.json`, 'utf8')) as { version: string }).version;

describe('knimectl frame', () => {
  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it('lists exit codes in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const code of ['0 ', '1 ', '2 ', '3 ', '4 ', '5 ', '6 ', '7 ', '8 ', '130', '143']) {
      expect(result.stdout).toContain(`\n  ${code}`);
    }
  });

  it('prints run help with units and defaults', async () => {
    const result = await runCli(['run', '--help']);
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(result.code).toBe(0);
    expect(help).toContain('--timeout <duration>');
    expect(help).toContain('units ms, s, m, h');
    expect(help).toContain('default: "on-success"');
    expect(help).toContain('143 interrupted by SIGTERM');
  });

  it('rejects --password without echoing it', async () => {
    const result = await runCli(['run', '/Demo/Hello World', '--password=hunter2-secret']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no --password flag');
    expect(result.stderr).toContain('--password-stdin');
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(result.stdout).toBe('');
  });

  it('rejects the separate --password form', async () => {
    const result = await runCli(['status', 'abc', '--password', 'hunter2-secret']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it('exits 2 on an unknown command', async () => {
    const result = await runCli(['bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'bogus'");
    expect(result.stderr).toContain('--help');
  });

  it('exits 2 on an unknown flag', async () => {
    const result = await runCli(['run', '/x', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--no-such-flag');
  });

  it('exits 2 without a server URL', async () => {
    const result = await runCli(['status', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no KNIME Server URL given');
    expect(result.stderr).toContain('--server URL');
  });

  it('exits 2 on a duration without unit', async () => {
    const result = await runCli(['run', '/x', '--server', 'http://127.0.0.1:9', '--timeout', '15']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid duration for --timeout: "15"');
  });

  it('exits 2 on credentials in the URL', async () => {
    const result = await runCli(['status', 'abc', '--server', 'http://ann:s3cret-pw@127.0.0.1:9/knime']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('contains credentials');
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  it('exits 8 on an input that is not JSON', async () => {
    const result = await runCli(['run', '/x', '--server', 'http://127.0.0.1:9', '--input', 'name=Ada']);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('invalid JSON for --input name: Ada');
    expect(result.stderr).toContain(`name='"text"'`);
  });

  it('exits 8 on a missing input file', async () => {
    const result = await runCli([
      'run',
      '/x',
      '--server',
      'http://127.0.0.1:9',
      '--inputs',
      '@/nonexistent/in.json',
    ]);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('/nonexistent/in.json');
    expect(result.stderr).toContain('ENOENT');
  });

  it('hides stack traces without --debug', async () => {
    const server = 'http://127.0.0.1:1/knime';
    const plain = await runCli(['ls', '--server', server, '--retries', '0']);
    expect(plain.code).toBe(7);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    expect(plain.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);

    const traced = await runCli(['ls', '--server', server, '--retries', '0', '--debug']);
    expect(traced.code).toBe(7);
    expect(traced.stderr).toMatch(/^\s+at /m);
  });

  it('ends quietly when the reader closes stdout', async () => {
    const child = spawn(process.execPath, [binPath, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) =>
      child.on('close', (exitCode) => resolve(exitCode)),
    );
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('prints bash completion', async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('complete -o default -F _knimectl knimectl');
    expect(result.stdout).toContain('"config set")');
    expect(result.stdout).toContain('--password-stdin');
  });

  it('prints zsh completion', async () => {
    const result = await runCli(['completion', 'zsh']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('#compdef knimectl')).toBe(true);
    expect(result.stdout).toContain('"config show"');
  });

  it('rejects an unknown completion shell', async () => {
    const result = await runCli(['completion', 'fish']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unsupported shell "fish"');
  });
});
