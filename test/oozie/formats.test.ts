import { describe, expect, it } from 'vitest';
import {
  buildConfigurationXml,
  normalizeOozieStatus,
  parseActionData,
  parseConfigurationXml,
  parseOozieDate,
} from '../../src/oozie/index.js';

describe('parseOozieDate', () => {
  it('parses the GMT form Oozie writes', () => {
    expect(parseOozieDate('Wed, 01 May 2024 08:31:02 GMT')).toBe(Date.UTC(2024, 4, 1, 8, 31, 2));
  });

  it('applies a numeric offset', () => {
    expect(parseOozieDate('Wed, 01 May 2024 10:31:02 +0200')).toBe(Date.UTC(2024, 4, 1, 8, 31, 2));
    expect(parseOozieDate('Wed, 01 May 2024 03:01:02 -0530')).toBe(Date.UTC(2024, 4, 1, 8, 31, 2));
  });

  it('returns undefined for unset dates', () => {
    expect(parseOozieDate(null)).toBeUndefined();
    expect(parseOozieDate(undefined)).toBeUndefined();
    expect(parseOozieDate('')).toBeUndefined();
  });

  it('rejects ISO 8601 and lenient forms', () => {
    expect(() => parseOozieDate('2024-05-01T08:31:02Z')).toThrow(/expected RFC 822/);
    expect(() => parseOozieDate('01 May 2024 08:31:02 GMT')).toThrow(RangeError);
    expect(() => parseOozieDate('Wed, 01 May 2024 08:31:02 PST')).toThrow(RangeError);
  });

  it('rejects impossible days and mismatched weekdays', () => {
    expect(() => parseOozieDate('Fri, 31 Feb 2024 08:31:02 GMT')).toThrow(/no such day/);
    expect(() => parseOozieDate('Thu, 01 May 2024 08:31:02 GMT')).toThrow(/it is a Wed/);
    expect(() => parseOozieDate('Wed, 01 Mai 2024 08:31:02 GMT')).toThrow(/unknown month/);
  });
});

describe('configuration XML', () => {
  it('escapes markup in names and values', () => {
    const xml = buildConfigurationXml({ 'a&b': '<x>"y"\'z\'</x>' });
    expect(xml).toContain('<name>a&amp;b</name>');
    expect(xml).toContain('<value>&lt;x&gt;&quot;y&quot;&apos;z&apos;&lt;/x&gt;</value>');
    expect(parseConfigurationXml(xml)).toEqual({ 'a&b': '<x>"y"\'z\'</x>' });
  });

  it('keeps whitespace and empty values', () => {
    const xml = buildConfigurationXml({ spaced: '  two  ', empty: '' });
    expect(parseConfigurationXml(xml)).toEqual({ spaced: '  two  ', empty: '' });
  });

  it('rejects control characters and empty names', () => {
    expect(() => buildConfigurationXml({ bell: 'ring\u0007' })).toThrow(/control character/);
    expect(() => buildConfigurationXml({ ' ': 'x' })).toThrow(/name is empty/);
  });

  it('parses captured output data', () => {
    const data =
      '#Wed May 01 08:33:45 GMT 2024\nrows=1200\npath = /data/out\nflag\n\n! comment\nurl=http://h.test/a=b\n';
    expect(parseActionData(data)).toEqual({
      rows: '1200',
      path: '/data/out',
      flag: '',
      url: 'http://h.test/a=b',
    });
    expect(parseActionData(null)).toEqual({});
  });
});

describe('normalizeOozieStatus', () => {
  it('maps KILLED by who asked', () => {
    expect(normalizeOozieStatus('KILLED', false)).toBe('failed');
    expect(normalizeOozieStatus('KILLED', true)).toBe('cancelled');
  });

  it('maps the other states', () => {
    expect(normalizeOozieStatus('PREP', false)).toBe('queued');
    expect(normalizeOozieStatus('RUNNING', false)).toBe('running');
    expect(normalizeOozieStatus('SUSPENDED', false)).toBe('paused');
    expect(normalizeOozieStatus('SUCCEEDED', false)).toBe('succeeded');
    expect(normalizeOozieStatus('FAILED', true)).toBe('failed');
    expect(normalizeOozieStatus('WHATEVER', false)).toBe('unknown');
  });
});
