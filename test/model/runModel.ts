/**
 * `npm run test:model -- --runs N --seed S [--weighted]`: the model test with as many runs as you
 * like (`--weighted`: deadlines, workflow cancellation and waits weighted up). Prints
 * the seed, the time taken and what ran; on failure, fast-check's seed, path and shrunk case.
 * `--results FILE` also writes the count of cases passed as JSON. `--case JSON` plays one case (as
 * printed after "FAILED case") once and prints each order's final view, to reproduce a failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelHarness } from './harness';
import { checkCase } from './invariants';
import type { ModelCase } from './model';
import { assertModel } from './property';
import { runCase } from './runCase';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, seed: { type: 'string' }, 'no-shrink': { type: 'boolean', default: false }, weighted: { type: 'boolean', default: false }, results: { type: 'string' }, case: { type: 'string' } } });
  if (values.case !== undefined) return playOne(values.case);
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
    console.log(`passed: ${stats.cases} cases, ${stats.orders} orders (${Object.entries(stats.perUnit).map(([u, n]) => `${u} ${n}`).join(', ')}; ${stats.sharedIds} sharing an id across units), ${stats.commands} commands, ${h.kills} worker kills, ${Math.round((Date.now() - started) / 1000)} s (seed ${seed})`);
  } finally {
    await h.stop();
  }
}

async function playOne(json: string): Promise<void> {
  const c = JSON.parse(json) as ModelCase;
  const h = new ModelHarness();
  await h.start();
  try {
    const record = await runCase(h, c);
    const problems = await checkCase(h, record);
    for (const order of record.orders) console.log(JSON.stringify((await h.api('GET', order.path)).json, null, 1));
    console.log(JSON.stringify(record.sent.map((s) => ({ path: s.path, body: s.body, sentAt: s.sentAt, status: s.status, answer: s.json?.error ?? (s.json?.order as { status?: string } | undefined)?.status })), null, 1));
    console.log(problems.length ? `invariants broken:\n  ${problems.join('\n  ')}` : 'the case passed');
    if (problems.length) process.exitCode = 1;
  } finally {
    await h.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
