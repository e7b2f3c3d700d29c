// Writes out/<day>/manifest.json naming the job of every system, then reports its path as the
// step output `manifest`. Runs as the last step of pipeline.yaml.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const day = process.env.BUSINESS_DAY;
const folder = path.join('out', day);
mkdirSync(folder, { recursive: true });

const manifest = {
  businessDay: day,
  runId: process.env.KNIMECTL_RUN_ID,
  knimeJob: process.env.KNIME_JOB,
  oozieJob: process.env.OOZIE_JOB,
  loadedRows: Number(process.env.LOADED_ROWS),
  alteryxJob: process.env.ALTERYX_JOB,
  reportFiles: JSON.parse(process.env.REPORT_FILES ?? '{}'),
};
const file = path.join(folder, 'manifest.json');
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);

appendFileSync(process.env.KNIMECTL_OUTPUT, `manifest=${file}\nloadedRows=${manifest.loadedRows}\n`);
console.log(`wrote ${file}`);
