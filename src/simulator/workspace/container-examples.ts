/**
 * Example values of the Container Input/Output nodes (knime-json): the built-in defaults a node
 * uses when its settings hold no example, and the conversions the nodes apply to a template.
 */
import {
  JSON_NULL,
  type JsonNode,
  jsonArray,
  jsonBoolean,
  jsonNumber,
  jsonObject,
  jsonString,
} from './json-tree.js';

function tableRow(
  text: string,
  int: number,
  double: number,
  long: number,
  bool: boolean,
  date: string,
  time: string,
  zoned: string,
): JsonNode {
  return jsonArray([
    jsonString(text),
    jsonNumber(int, true),
    jsonNumber(double, false),
    jsonNumber(long, true),
    jsonBoolean(bool),
    jsonString(date),
    jsonString(time),
    jsonString(zoned),
  ]);
}

/** Default template of Container Input/Output (Table): one column of each supported type, two rows. */
export const DEFAULT_TABLE_EXAMPLE: JsonNode = jsonObject([
  [
    'table-spec',
    jsonArray(
      [
        ['column-string', 'string'],
        ['column-int', 'int'],
        ['column-double', 'double'],
        ['column-long', 'long'],
        ['column-boolean', 'boolean'],
        ['column-localdate', 'localdate'],
        ['column-localdatetime', 'localdatetime'],
        ['column-zoneddatetime', 'zoneddatetime'],
      ].map(([name, type]) => jsonObject([[name as string, jsonString(type as string)]])),
    ),
  ],
  [
    'table-data',
    jsonArray([
      tableRow(
        'value1',
        1,
        1.5,
        1000,
        true,
        '2018-03-27',
        '2018-03-27T08:30:45.111',
        '2018-03-27T08:30:45.111+01:00[Europe/Paris]',
      ),
      tableRow(
        'value2',
        2,
        2.5,
        2000,
        false,
        '2018-03-28',
        '2018-03-28T08:30:45.111',
        '2018-03-28T08:30:45.111+01:00[Europe/Paris]',
      ),
    ]),
  ],
]);

/** Default template row of Container Input (Row): an empty table, so the example row is `{}`. */
export const DEFAULT_ROW_TEMPLATE: JsonNode = jsonObject([
  ['table-spec', jsonArray([])],
  ['table-data', jsonArray([])],
]);

/** Example of Container Input (Credentials) when its settings hold none. */
export const DEFAULT_CREDENTIALS_EXAMPLE: JsonNode = jsonObject([
  ['isEncrypted', jsonBoolean(false)],
  [
    'credentials',
    jsonArray([
      jsonObject([
        ['id', jsonString('id')],
        ['user', jsonString('user')],
        ['password', jsonString('password')],
      ]),
    ]),
  ],
]);

/**
 * Example of the deprecated Container Input (Variable) node. Current KNIME versions publish this
 * fixed value whatever the node's `exampleInput` setting holds.
 */
export const DEPRECATED_VARIABLE_EXAMPLE: JsonNode = jsonObject([
  [
    'variables',
    jsonArray([
      jsonObject([['variable-string', jsonString('somevariable')]]),
      jsonObject([['variable-double', jsonNumber(42, false)]]),
      jsonObject([['variable-int', jsonNumber(100, true)]]),
    ]),
  ],
]);

function member(node: JsonNode, key: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined;
  let found: JsonNode | undefined;
  for (const [entryKey, value] of node.entries) {
    if (entryKey === key) found = value;
  }
  return found;
}

/** Whether a value has the Container table shape: an object with a `table-data` array. */
export function isContainerTable(node: JsonNode): boolean {
  return member(node, 'table-data')?.type === 'array';
}

/** The table without its `table-spec`, as the Table nodes publish it with "omit table spec" set. */
export function withoutTableSpec(table: JsonNode): JsonNode {
  if (table.type !== 'object') return table;
  return jsonObject(table.entries.filter(([key]) => key !== 'table-spec'));
}

/**
 * The first data row of a Container table template as `{"<column>": value}`, the example that
 * Container Input (Row) publishes. Column types come from `table-spec`: `int` and `long` cells are
 * integral numbers, `double` cells fractional numbers, `boolean` cells booleans, and all other
 * types (dates, times, strings) text. Missing cells become `null`.
 *
 * @returns `undefined` when the template has no `table-spec`, which KNIME rejects
 */
export function firstRowAsObject(template: JsonNode): JsonNode | undefined {
  const spec = member(template, 'table-spec');
  const data = member(template, 'table-data');
  if (spec?.type !== 'array') return undefined;

  const columns: { name: string; type: string }[] = [];
  for (const column of spec.items) {
    const [entry] = column.type === 'object' ? column.entries : [];
    if (entry === undefined) return undefined;
    const [name, type] = entry;
    columns.push({ name, type: type.type === 'string' ? type.value : 'string' });
  }

  const firstRow = data?.type === 'array' ? data.items[0] : undefined;
  if (firstRow === undefined || firstRow.type !== 'array') return jsonObject([]);

  return jsonObject(
    columns.map((column, index) => [column.name, cellValue(column.type, firstRow.items[index])]),
  );
}

function cellValue(columnType: string, cell: JsonNode | undefined): JsonNode {
  if (cell === undefined || cell.type === 'null') return JSON_NULL;
  switch (columnType) {
    case 'int':
    case 'long':
      return cell.type === 'number' ? jsonNumber(Math.trunc(cell.value), true) : cell;
    case 'double':
      return cell.type === 'number' ? jsonNumber(cell.value, false) : cell;
    case 'boolean':
      return cell.type === 'boolean' ? cell : jsonBoolean(cell.type === 'string' && cell.value === 'true');
    default:
      return cell.type === 'string' ? cell : jsonString(cell.type === 'number' ? String(cell.value) : '');
  }
}
