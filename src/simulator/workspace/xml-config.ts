/**
 * Reader for KNIME's XMLConfig files (`workflow.knime`, `settings.xml`): nested
 * `<config key="…">` elements holding `<entry key="…" type="…" value="…" isnull="…"/>` leaves.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One `<entry>`: the decoded value text, or `null` when the entry carries `isnull="true"`. */
export interface ConfigEntry {
  readonly key: string;
  /** Entry type as written, such as `xstring`, `xint`, `xboolean`, `xpassword`. */
  readonly type: string;
  readonly value: string | null;
}

/** Raised when a file is not well-formed XML or not an XMLConfig document. */
export class KnimeConfigError extends Error {
  override readonly name = 'KnimeConfigError';
}

const INTEGER_TYPES = new Set(['xint', 'xlong', 'xshort', 'xbyte']);
const FLOAT_TYPES = new Set(['xdouble', 'xfloat']);

/**
 * KNIME writes characters that XML attributes cannot keep (line breaks, tabs, other control
 * characters) as `%%` followed by the five-digit decimal code point, such as `%%00010` for `\n`.
 */
const KNIME_ESCAPE = /%%(\d{5})/g;

/** Replaces KNIME's `%%NNNNN` escapes with the characters they stand for. */
export function decodeKnimeEscapes(text: string): string {
  return text.replace(KNIME_ESCAPE, (_match, digits: string) => String.fromCodePoint(Number(digits)));
}

/** A `<config>` element with its entries and child configs, looked up by key. */
export class KnimeConfig {
  readonly key: string;
  private readonly entries = new Map<string, ConfigEntry>();
  private readonly configs = new Map<string, KnimeConfig>();

  constructor(key: string) {
    this.key = key;
  }

  /** Adds an entry; used by the parser and by tests that build configs in memory. */
  addEntry(entry: ConfigEntry): this {
    this.entries.set(entry.key, entry);
    return this;
  }

  addConfig(config: KnimeConfig): this {
    this.configs.set(config.key, config);
    return this;
  }

  has(key: string): boolean {
    return this.entries.has(key) || this.configs.has(key);
  }

  entry(key: string): ConfigEntry | undefined {
    return this.entries.get(key);
  }

  config(key: string): KnimeConfig | undefined {
    return this.configs.get(key);
  }

  /** Child configs in document order. */
  childConfigs(): KnimeConfig[] {
    return [...this.configs.values()];
  }

  /** Entries in document order. */
  childEntries(): ConfigEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Returns the entry's text. `undefined` means the key is missing, `null` that the entry is
   * marked `isnull`; callers apply KNIME's default for the first case.
   */
  string(key: string): string | null | undefined {
    const found = this.entries.get(key);
    return found === undefined ? undefined : found.value;
  }

  /** Returns the entry as a boolean, or `undefined` when it is missing, null or not `true`/`false`. */
  boolean(key: string): boolean | undefined {
    const text = this.entries.get(key)?.value;
    if (text === 'true') return true;
    if (text === 'false') return false;
    return undefined;
  }

  /** Returns the entry as a number, or `undefined` when it is missing, null or not numeric. */
  number(key: string): number | undefined {
    const found = this.entries.get(key);
    if (found?.value == null) return undefined;
    const parsed = parseNumber(found.value);
    return Number.isNaN(parsed) && found.value !== 'NaN' ? undefined : parsed;
  }

  /** Returns the entry converted by its declared type: boolean, number or string. */
  typedValue(key: string): string | number | boolean | null | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    return typedEntryValue(found);
  }

  /**
   * Returns a KNIME array config (`array-size` plus entries `0` … `n-1`) as strings, or
   * `undefined` when the config is missing.
   */
  stringArray(key: string): (string | null)[] | undefined {
    const arrayConfig = this.configs.get(key);
    if (!arrayConfig) return undefined;
    const size = arrayConfig.number('array-size') ?? 0;
    const values: (string | null)[] = [];
    for (let index = 0; index < size; index++) {
      values.push(arrayConfig.string(String(index)) ?? null);
    }
    return values;
  }
}

/** Converts an entry's text by its declared type; unknown types stay strings. */
export function typedEntryValue(entry: ConfigEntry): string | number | boolean | null {
  if (entry.value === null) return null;
  if (entry.type === 'xboolean') return entry.value === 'true';
  if (INTEGER_TYPES.has(entry.type) || FLOAT_TYPES.has(entry.type)) return parseNumber(entry.value);
  return entry.value;
}

function parseNumber(text: string): number {
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (text.trim() === '') return Number.NaN;
  return Number(text);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // Numeric character references such as `&#10;` are legal XML; KNIME itself prefers `%%00010`.
  htmlEntities: true,
  isArray: (name) => name === 'entry' || name === 'config',
});

interface RawElement {
  key?: unknown;
  type?: unknown;
  value?: unknown;
  isnull?: unknown;
  entry?: RawElement[];
  config?: RawElement[];
}

/**
 * Parses the text of an XMLConfig file into its root config.
 *
 * @param source file path or label named in error messages
 * @throws KnimeConfigError when the text is not well-formed XML or its root is not `<config>`
 */
export function parseKnimeConfig(text: string, source: string): KnimeConfig {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new KnimeConfigError(`${source}: invalid XML at line ${line}, column ${col}: ${msg}`);
  }

  const document = parser.parse(text) as { config?: RawElement[] };
  const roots = document.config;
  if (roots?.length !== 1 || roots[0] === undefined) {
    throw new KnimeConfigError(`${source}: expected one root <config> element of a KNIME XMLConfig file`);
  }
  return toConfig(roots[0], source);
}

function toConfig(element: RawElement, source: string): KnimeConfig {
  const config = new KnimeConfig(typeof element.key === 'string' ? element.key : '');

  for (const rawEntry of element.entry ?? []) {
    if (typeof rawEntry.key !== 'string') {
      throw new KnimeConfigError(`${source}: <entry> without a key attribute in config "${config.key}"`);
    }
    const isNull = rawEntry.isnull === 'true';
    const value = typeof rawEntry.value === 'string' ? rawEntry.value : '';
    config.addEntry({
      key: rawEntry.key,
      type: typeof rawEntry.type === 'string' ? rawEntry.type : 'xstring',
      value: isNull ? null : decodeKnimeEscapes(value),
    });
  }

  for (const child of element.config ?? []) {
    config.addConfig(toConfig(child, source));
  }
  return config;
}
