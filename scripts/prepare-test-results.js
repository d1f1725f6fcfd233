// Makes artifacts/test-results/ for the result files that scripts/test-summary.ts reads (jest does
// not create the folder of --outputFile). With --clear, first removes an earlier run's files.
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'artifacts', 'test-results');
if (process.argv.includes('--clear')) fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
