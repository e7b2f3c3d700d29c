import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshHome, runCli } from './helpers.js';

const secret = 'pr0file-Secret-42';

function configFile(home: string): string {
  return join(home, '.config', 'knimectl', 'config.json');
}

describe('knimectl config', () => {
  it('stores a profile with mode 0600', async () => {
    const home = freshHome();
    const result = await runCli(
      [
        'config',
        'set',
        'prod',
        '--server',
        'http://127.0.0.1:9/knime',
        '--user',
        'ann',
        '--password-stdin',
        '--default',
      ],
      { env: { HOME: home }, stdin: `${secret}\n` },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('created profile prod');
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(secret);

    const path = configFile(home);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.config', 'knimectl')).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    expect(stored.defaultProfile).toBe('prod');
    expect(stored.profiles.prod).toEqual({
      server: 'http://127.0.0.1:9/knime',
      user: 'ann',
      password: secret,
    });
  });

  it('never prints the stored password', async () => {
    const home = freshHome();
    await runCli(
      ['config', 'set', 'prod', '--server', 'http://127.0.0.1:9/knime', '--user', 'ann', '--password-stdin'],
      {
        env: { HOME: home },
        stdin: secret,
      },
    );

    for (const args of [
      ['config', 'show', 'prod'],
      ['config', 'show', 'prod', '--json'],
      ['config', 'list'],
      ['config', 'list', '--json'],
    ]) {
      const result = await runCli(args, { env: { HOME: home } });
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
    const shown = await runCli(['config', 'show', 'prod'], { env: { HOME: home } });
    expect(shown.stdout).toContain('password: (set)');
    const listed = await runCli(['config', 'list', '--json'], { env: { HOME: home } });
    expect(JSON.parse(listed.stdout).profiles.prod.password).toBe(true);
  });

  it('reads the password from a file', async () => {
    const home = freshHome();
    const passwordFile = join(home, 'pw.txt');
    writeFileSync(passwordFile, `${secret}\nsecond line\n`);
    const result = await runCli(['config', 'set', 'dev', '--password-file', passwordFile], {
      env: { HOME: home },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(home), 'utf8')).profiles.dev.password).toBe(secret);
  });

  it('updates and unsets keys', async () => {
    const home = freshHome();
    await runCli(['config', 'set', 'dev', '--server', 'http://127.0.0.1:9/knime', '--user', 'ann'], {
      env: { HOME: home },
    });
    const result = await runCli(['config', 'set', 'dev', '--unset', 'user', '--user', 'bob'], {
      env: { HOME: home },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('updated profile dev');
    expect(JSON.parse(readFileSync(configFile(home), 'utf8')).profiles.dev).toEqual({
      server: 'http://127.0.0.1:9/knime',
    });
  });

  it('stores a Hub application password id', async () => {
    const home = freshHome();
    const set = await runCli(
      ['config', 'set', 'hub', '--hub', 'http://127.0.0.1:9', '--app-password-id', 'pw-1234'],
      { env: { HOME: home } },
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(home), 'utf8')).profiles.hub).toEqual({
      hub: 'http://127.0.0.1:9',
      appPasswordId: 'pw-1234',
    });

    const shown = await runCli(['config', 'show', 'hub'], { env: { HOME: home } });
    expect(shown.stdout).toContain('app password id: pw-1234');

    await runCli(['config', 'set', 'hub', '--unset', 'app-password-id'], { env: { HOME: home } });
    expect(JSON.parse(readFileSync(configFile(home), 'utf8')).profiles.hub).toEqual({
      hub: 'http://127.0.0.1:9',
    });
  });

  it('removes a profile and its default mark', async () => {
    const home = freshHome();
    await runCli(['config', 'set', 'dev', '--server', 'http://127.0.0.1:9/knime', '--default'], {
      env: { HOME: home },
    });
    const result = await runCli(['config', 'remove', 'dev'], { env: { HOME: home } });
    expect(result.code).toBe(0);
    const stored = JSON.parse(readFileSync(configFile(home), 'utf8'));
    expect(stored.profiles).toEqual({});
    expect(stored.defaultProfile).toBeUndefined();
  });

  it('exits 2 for an unknown profile', async () => {
    const home = freshHome();
    await runCli(['config', 'set', 'dev', '--server', 'http://127.0.0.1:9/knime'], { env: { HOME: home } });
    const result = await runCli(['config', 'show', 'prod'], { env: { HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('profile "prod" not found');
    expect(result.stderr).toContain('known profiles: dev');
  });

  it('rejects a readable file with a password', async () => {
    const home = freshHome();
    mkdirSync(join(home, '.config', 'knimectl'), { recursive: true });
    writeFileSync(configFile(home), JSON.stringify({ profiles: { dev: { password: secret } } }), {
      mode: 0o644,
    });
    const result = await runCli(['config', 'list'], { env: { HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mode 0644');
    expect(result.stderr).toContain('chmod 600');
    expect(result.stderr).not.toContain(secret);
  });

  it('rejects an unknown key in the file', async () => {
    const home = freshHome();
    mkdirSync(join(home, '.config', 'knimectl'), { recursive: true });
    writeFileSync(configFile(home), JSON.stringify({ profiles: { dev: { sever: 'x' } } }), { mode: 0o600 });
    const result = await runCli(['config', 'list'], { env: { HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "sever"');
  });

  it('honours XDG_CONFIG_HOME', async () => {
    const home = freshHome();
    const xdg = join(home, 'xdg');
    const result = await runCli(['config', 'set', 'dev', '--server', 'http://127.0.0.1:9/knime'], {
      env: { HOME: home, XDG_CONFIG_HOME: xdg },
    });
    expect(result.code).toBe(0);
    expect(statSync(join(xdg, 'knimectl', 'config.json')).isFile()).toBe(true);
  });
});
