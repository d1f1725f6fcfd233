/**
 * `npm run test:model -- --runs N --seed S [--weighted]`: the model test with as many runs as you
 * like (`--weighted`: deadlines, workflow cancellation and waits weighted up). Prints
 * the seed, the time taken and what ran; on failure, fast-check's seed, path and shrunk case.
 * `--results FILE` also writes the count of cases passed as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelHarness } from './harness';
import { assertModel } from './property';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, seed: { type: 'string' }, 'no-shrink': { type: 'boolean', default: false }, weighted: { type: 'boolean', default: false }, results: { type: 'string' } } });
  const runs = Number(values.runs);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not ${values.runs}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not ${values.seed}`);
  console.log(`model test: ${runs} runs, seed ${seed}${values.weighted ? ', weighted to deadlines, cancellation and waits' : ''}`);
  const h = new ModelHarness();
  const started = Date.now();
  await h.start();
  try {
    const stats = await assertModel(h, { runs, seed, shrink: !values['no-shrink'], weighted: values.weighted, onFailure: (message, c) => console.error(`FAILED case ${JSON.stringify(c)}\n${message}`), onCase: (n) => n % 10 === 0 && console.log(`  ${n} cases, ${Math.round((Date.now() - started) / 1000)} s`) });
    if (values.results) {
      // For the closing summary of `npm test` (scripts/test-summary.ts).
      mkdirSync(dirname(values.results), { recursive: true });
      writeFileSync(values.results, JSON.stringify({ passed: stats.cases, failed: 0, seed }));
    }
    console.log(`passed: ${stats.cases} cases, ${stats.orders} orders, ${stats.commands} commands, ${h.kills} worker kills, ${Math.round((Date.now() - started) / 1000)} s (seed ${seed})`);
  } finally {
    await h.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
