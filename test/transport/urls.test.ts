import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { encodeRepositoryPath, repositoryPath, resolveServerUrl } from '../../src/server/paths.js';
import { describeBody } from '../../src/transport/body.js';
import { parseRetryAfter, resolveRetryOptions, retryDelay } from '../../src/transport/retry.js';

describe('resolveServerUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/knime', 'http://127.0.0.1:8080/knime/rest/v4'],
    ['http://127.0.0.1:8080/knime/', 'http://127.0.0.1:8080/knime/rest/v4'],
    ['http://127.0.0.1:8080/knime/rest', 'http://127.0.0.1:8080/knime/rest/v4'],
    ['http://127.0.0.1:8080/knime/rest/v4/', 'http://127.0.0.1:8080/knime/rest/v4'],
    ['https://knime.test/webportal', 'https://knime.test/webportal/rest/v4'],
    ['https://knime.test/knime/webportal/rest/v4', 'https://knime.test/knime/webportal/rest/v4'],
    [
      'https://knime.test/com.knime.enterprise.server',
      'https://knime.test/com.knime.enterprise.server/rest/v4',
    ],
    ['https://knime.test/analytics/server?x=1#top', 'https://knime.test/analytics/server/rest/v4'],
    ['https://knime.test', 'https://knime.test/rest/v4'],
  ])('turns %s into its REST root', (input, root) => {
    expect(resolveServerUrl(input).restRoot).toBe(root);
  });

  it('takes credentials out of the URL', () => {
    const url = resolveServerUrl('https://alice:p%40ss@knime.test/knime');
    expect(url).toEqual({
      restRoot: 'https://knime.test/knime/rest/v4',
      username: 'alice',
      password: 'p@ss',
    });
  });

  it('rejects relative and non-http URLs without echoing secrets', () => {
    expect(() => resolveServerUrl('knime.test/knime')).toThrow(InvalidInputError);
    const error = (() => {
      try {
        resolveServerUrl('ftp://bob:secret99@knime.test/knime');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('must be http or https');
    expect(error?.message).not.toContain('secret99');
  });
});

describe('encodeRepositoryPath', () => {
  it.each([
    ['/Team A/Q1 Sales & Costs #2', '/Team%20A/Q1%20Sales%20%26%20Costs%20%232'],
    ['/a/100% done', '/a/100%25%20done'],
    ['/a/x+y', '/a/x%2By'],
    ['/Märkte/Übersicht', '/M%C3%A4rkte/%C3%9Cbersicht'],
    ['/a/ratio 1:2', '/a/ratio%201%3A2'],
    ['/a/trailing ', '/a/trailing%20'],
    ['/Examples/Scoring', '/Examples/Scoring'],
  ])('encodes %s', (path, encoded) => {
    expect(encodeRepositoryPath(path)).toBe(encoded);
  });

  it('keeps the suffix unencoded', () => {
    expect(repositoryPath('/Team A/Q1 #2', 'jobs')).toBe('/repository/Team%20A/Q1%20%232:jobs');
    expect(repositoryPath('/')).toBe('/repository/');
  });

  it('rejects relative paths', () => {
    expect(() => encodeRepositoryPath('Examples/Scoring')).toThrow(/must be absolute/);
  });
});

describe('retry delays', () => {
  const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0 });

  it('doubles up to the cap, with jitter below the mean', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => retryDelay(options, retry))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
  });

  it('takes Retry-After when it is longer', () => {
    expect(retryDelay(options, 1, 5000)).toBe(5000);
  });

  it('parses seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now + 4000).toUTCString(), now)).toBe(4000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('describeBody', () => {
  it('reads Mason @error messages', () => {
    expect(
      describeBody('{"@error":{"@message":"bad","@messages":["more"]}}', 'application/vnd.mason+json'),
    ).toBe('bad; more');
  });

  it('reads problem documents', () => {
    expect(describeBody('{"title":"Forbidden","details":["no right"]}', 'application/problem+json')).toBe(
      'Forbidden; no right',
    );
  });

  it('trims long plain text', () => {
    expect(describeBody('x'.repeat(900), 'text/plain')).toHaveLength(501);
  });

  it('returns nothing for empty bodies', () => {
    expect(describeBody('  ', null)).toBe('');
  });
});
