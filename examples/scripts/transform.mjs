// Transform step of the nightly-sales example: reads its inputs from environment variables and
// reports outputs as key=value lines in the file named by $KNIMECTL_OUTPUT.
import { appendFileSync } from 'node:fs';

const rows = Number(process.env.ROWS);
const day = process.env.SALES_DATE;
if (!Number.isInteger(rows) || rows < 0) {
  console.error(`ROWS must be a whole number, got ${JSON.stringify(process.env.ROWS)}`);
  process.exit(2);
}

const summary = `${rows} rows for ${day}`;
console.log(`transformed ${summary} (CRM marker ${process.env.CRM_MARKER})`);
appendFileSync(process.env.KNIMECTL_OUTPUT, `summary=${summary}\nrows=${rows}\n`);
