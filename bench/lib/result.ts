/** The row format every scenario returns, and the Markdown table built from the rows. */

/** Whether a measured number meets what docs/library.md or docs/cli.md promises. */
export type Verdict = 'meets' | 'misses' | 'no target' | 'failed';

export interface ResultRow {
  /** Scenario name, as given to `--only`. */
  scenario: string;
  /** Measured quantity, such as "median of 20 spawns". */
  metric: string;
  /** Formatted value with its unit. */
  value: string;
  /** Ratio or comparison measured in the same run, such as "1.8× node -e 0". */
  ratio?: string;
  /** Promise it is checked against, such as "≤ 4 s after the end (docs/library.md)". */
  target?: string;
  verdict?: Verdict;
}

/** Renders rows as a Markdown table. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const header = '| scenario | metric | value | same-run comparison | target | verdict |';
  const rule = '| --- | --- | --- | --- | --- | --- |';
  const lines = rows.map(
    (row) =>
      `| ${cell(row.scenario)} | ${cell(row.metric)} | ${cell(row.value)} | ${cell(row.ratio ?? '')} | ${cell(row.target ?? '')} | ${cell(row.verdict ?? 'no target')} |`,
  );
  return [header, rule, ...lines].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
