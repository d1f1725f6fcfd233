/**
 * The last step of `npm test`: one line with every test that ran (jest's app and package projects,
 * the model test's cases, and the production-shape test: compose or the process cluster), read from the result
 * files the steps before it wrote to artifacts/test-results/. CI reads that closing line; jest's own summary is per run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const dir = join(__dirname, '..', 'artifacts', 'test-results');

function read(file: string): unknown {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: its step of npm test did not write it`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

function jestCounts(file: string): Counts {
  const r = read(file) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function modelCounts(file: string): Counts {
  const r = read(file) as { passed: number; failed: number };
  return { passed: r.passed, failed: r.failed, skipped: 0 };
}

const add = (a: Counts, b: Counts): Counts => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped });

/** The one production-shape test that ran (scripts/production-shape-test.ts): compose where Docker runs, else the process cluster. */
function productionShape(): [string, Counts] {
  const ran = [['compose test', 'compose.json'], ['failover test (process cluster)', 'cluster.json']].filter(([, file]) => existsSync(join(dir, file!)));
  if (ran.length === 0) throw new Error(`neither compose.json nor cluster.json is in ${dir}: the production-shape step of npm test did not run`);
  return [ran.map(([name]) => name).join(' + '), ran.map(([, file]) => jestCounts(file!)).reduce(add)];
}

const parts: [string, Counts][] = [
  ['jest (app and packages)', jestCounts('jest.json')],
  ['model test cases', modelCounts('model.json')],
  productionShape(),
];
const total = parts.map(([, c]) => c).reduce(add, { passed: 0, failed: 0, skipped: 0 });
// The breakdown says skipped as well; the closing line is only the two counts CI reads, alone on the
// last line of standard output, with nothing printed after it.
for (const [name, c] of parts) console.log(`  ${name} – ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
if (total.passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`, () => process.exit(total.failed > 0 ? 1 : 0));
