import { describe, expect, it } from 'vitest';
import {
  encodeKnimeValue,
  knimeConfigXml,
  stringEntry,
} from '../../../src/simulator/workspace/knime-writer.js';
import {
  decodeKnimeEscapes,
  KnimeConfigError,
  parseKnimeConfig,
} from '../../../src/simulator/workspace/xml-config.js';

const HEADER = '<?xml version="1.0" encoding="UTF-8"?>';

function parse(body: string) {
  return parseKnimeConfig(`${HEADER}\n<config key="settings.xml">${body}</config>`, 'inline.xml');
}

describe('decodeKnimeEscapes', () => {
  it('turns %%00010 into a line break', () => {
    expect(decodeKnimeEscapes('a%%00010b')).toBe('a\nb');
  });

  it('decodes tabs and carriage returns', () => {
    expect(decodeKnimeEscapes('%%00009x%%00013')).toBe('\tx\r');
  });

  it('leaves a lone percent sign alone', () => {
    expect(decodeKnimeEscapes('100% done %%12')).toBe('100% done %%12');
  });
});

describe('parseKnimeConfig', () => {
  it('reads entries with their types', () => {
    const root = parse(`
      <entry key="name" type="xstring" value="Sales"/>
      <entry key="count" type="xint" value="42"/>
      <entry key="ratio" type="xdouble" value="1.5"/>
      <entry key="big" type="xlong" value="1000"/>
      <entry key="on" type="xboolean" value="true"/>
      <entry key="letter" type="xchar" value="x"/>`);

    expect(root.key).toBe('settings.xml');
    expect(root.string('name')).toBe('Sales');
    expect(root.typedValue('count')).toBe(42);
    expect(root.typedValue('ratio')).toBe(1.5);
    expect(root.typedValue('big')).toBe(1000);
    expect(root.typedValue('on')).toBe(true);
    expect(root.typedValue('letter')).toBe('x');
    expect(root.boolean('on')).toBe(true);
    expect(root.number('count')).toBe(42);
  });

  it('decodes KNIME escapes and XML entities once', () => {
    const root = parse(
      `<entry key="json" type="xstring" value="{%%00010  &quot;a&quot;: &quot;&amp;lt;&quot;%%00010}"/>`,
    );

    expect(root.string('json')).toBe('{\n  "a": "&lt;"\n}');
  });

  it('reports isnull entries as null and missing keys as undefined', () => {
    const root = parse(`<entry key="path" type="xstring" isnull="true" value=""/>`);

    expect(root.string('path')).toBeNull();
    expect(root.typedValue('path')).toBeNull();
    expect(root.string('other')).toBeUndefined();
    expect(root.has('path')).toBe(true);
  });

  it('keeps an empty value apart from null', () => {
    const root = parse(`<entry key="description" type="xstring" value=""/>`);

    expect(root.string('description')).toBe('');
  });

  it('reads nested configs, empty configs and arrays', () => {
    const root = parse(`
      <config key="model">
        <config key="defaultValue"><entry key="integer" type="xint" value="7"/></config>
        <config key="names">
          <entry key="array-size" type="xint" value="2"/>
          <entry key="0" type="xstring" value="region"/>
          <entry key="1" type="xstring" isnull="true" value=""/>
        </config>
        <config key="empty"/>
      </config>`);

    const model = root.config('model');
    expect(model?.config('defaultValue')?.number('integer')).toBe(7);
    expect(model?.stringArray('names')).toEqual(['region', null]);
    expect(model?.config('empty')?.childEntries()).toEqual([]);
    expect(model?.stringArray('missing')).toBeUndefined();
  });

  it('returns undefined for booleans and numbers it cannot read', () => {
    const root = parse(`
      <entry key="flag" type="xboolean" value="yes"/>
      <entry key="count" type="xint" value="many"/>`);

    expect(root.boolean('flag')).toBeUndefined();
    expect(root.number('count')).toBeUndefined();
  });

  it('reads the password and transient string types as text', () => {
    const root = parse(`
      <entry key="secret" type="xpassword" value="0123ABCD"/>
      <entry key="temp" type="xtransientstring" value="t"/>`);

    expect(root.typedValue('secret')).toBe('0123ABCD');
    expect(root.typedValue('temp')).toBe('t');
  });

  it('rejects malformed XML with the source and line', () => {
    expect(() =>
      parseKnimeConfig(`${HEADER}\n<config key="x"><entry key="a"</config>`, 'broken.xml'),
    ).toThrow(/broken\.xml: invalid XML at line 2/);
  });

  it('rejects a document whose root is not a config', () => {
    expect(() => parseKnimeConfig(`${HEADER}\n<settings/>`, 'other.xml')).toThrow(KnimeConfigError);
  });

  it('rejects an entry without a key', () => {
    expect(() => parse(`<entry type="xstring" value="x"/>`)).toThrow(/without a key/);
  });
});

describe('knimeConfigXml round trip', () => {
  it('keeps line breaks, quotes and markup characters', () => {
    const value = 'line 1\nline "2" <b> & \t end';
    const text = knimeConfigXml('settings.xml', [stringEntry('text', value)]);

    expect(text).toContain('%%00010');
    expect(parseKnimeConfig(text, 'round-trip.xml').string('text')).toBe(value);
  });

  it('keeps text that looks like an escape', () => {
    const value = '50%%00010 and %%%';
    const text = knimeConfigXml('settings.xml', [stringEntry('text', value)]);

    expect(parseKnimeConfig(text, 'percent.xml').string('text')).toBe(value);
  });

  it('encodes control characters as five-digit escapes', () => {
    expect(encodeKnimeValue('\n')).toBe('%%00010');
  });

  it('writes null entries with isnull', () => {
    const text = knimeConfigXml('settings.xml', [stringEntry('path', null)]);

    expect(text).toContain('isnull="true"');
    expect(parseKnimeConfig(text, 'null.xml').string('path')).toBeNull();
  });
});
