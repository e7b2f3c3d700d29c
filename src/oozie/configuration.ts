import { XMLParser } from 'fast-xml-parser';

/** Returns whether `text` contains a character that XML 1.0 forbids even as a character reference. */
function hasInvalidXmlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      code === 0xfffe ||
      code === 0xffff
    ) {
      return true;
    }
  }
  return false;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

/**
 * Builds a Hadoop `<configuration>` document, one `<property>` per entry, with names and values
 * escaped so that any text survives, markup included.
 *
 * @throws RangeError when a name is empty or a name or value contains a character XML 1.0 cannot
 *   carry (control characters other than tab, line feed and carriage return).
 */
export function buildConfigurationXml(properties: Readonly<Record<string, string>>): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<configuration>'];
  for (const [name, value] of Object.entries(properties)) {
    if (name.trim() === '') throw new RangeError('invalid Oozie property: the name is empty');
    for (const [what, text] of [
      ['name', name],
      ['value', value],
    ] as const) {
      if (typeof text !== 'string')
        throw new RangeError(`invalid Oozie property "${name}": the ${what} must be a string`);
      if (hasInvalidXmlChar(text)) {
        throw new RangeError(
          `invalid Oozie property "${name}": the ${what} contains a control character XML cannot carry`,
        );
      }
    }
    lines.push(`  <property><name>${escapeXml(name)}</name><value>${escapeXml(value)}</value></property>`);
  }
  lines.push('</configuration>');
  return `${lines.join('\n')}\n`;
}

const parser = new XMLParser({
  isArray: (name) => name === 'property',
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
});

/**
 * Parses a Hadoop `<configuration>` document, such as the `conf` field of a job, into a plain
 * object. Returns an empty object for text that is not such a document.
 */
export function parseConfigurationXml(xml: string | null | undefined): Record<string, string> {
  if (!xml) return {};
  let document: { configuration?: { property?: Array<{ name?: unknown; value?: unknown }> } | string };
  try {
    document = parser.parse(xml);
  } catch {
    return {};
  }
  const root = document.configuration;
  const result: Record<string, string> = {};
  if (typeof root !== 'object' || !root.property) return result;
  for (const property of root.property) {
    if (typeof property?.name !== 'string') continue;
    result[property.name.trim()] = typeof property.value === 'string' ? property.value : '';
  }
  return result;
}

/**
 * Parses an action's `data` field: the Java properties text that `<capture-output/>` produces
 * (`key=value` lines, `#` comments). Keys and values are trimmed; a line without `=` or `:` is a
 * key with an empty value.
 *
 * NOTE: backslash escapes and continuation lines of the full Java properties format are not
 * decoded; shell actions print plain `key=value` lines.
 */
export function parseActionData(data: string | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!data) return result;
  for (const raw of data.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const separator = line.search(/[=:]/);
    if (separator < 0) {
      result[line] = '';
      continue;
    }
    result[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return result;
}
