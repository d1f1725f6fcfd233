/**
 * `npm run test:model -- --runs N --seed S [--weighted]`: the model test with as many runs as you
 * like (`--weighted`: deadlines, workflow cancellation and waits weighted up). Prints
 * the seed, the time taken and what ran; on failure, fast-check's seed, path and shrunk case.
 * `--results FILE` also writes the count of cases passed as JSON. `--case JSON` plays one case (as
 * printed after "FAILED case") once and prints each order's final view, to reproduce a failure;
 * with `--repeat N` up to N times until it fails. `--dump DIR` (both modes) writes a failing case's
 * histories there (JSON, payloads still encrypted) to read which event an order waited for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { parseArgs } from 'node:util';
import { ModelHarness } from './harness';
import { checkCase, fetchHistories } from './invariants';
import type { ModelCase } from './model';
import { assertModel } from './property';
import { runCase, type CaseRecord } from './runCase';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, seed: { type: 'string' }, 'no-shrink': { type: 'boolean', default: false }, weighted: { type: 'boolean', default: false }, results: { type: 'string' }, case: { type: 'string' }, repeat: { type: 'string', default: '1' }, dump: { type: 'string' } } });
  if (values.case !== undefined) return playOne(values.case, Number(values.repeat), values.dump);
  const runs = Number(values.runs);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not ${values.runs}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not ${values.seed}`);
  console.log(`model test: ${runs} runs, seed ${seed}${values.weighted ? ', weighted to deadlines, cancellation and waits' : ''}`);
  const h = new ModelHarness();
  const started = Date.now();
  await h.start();
  try {
    const stats = await assertModel(h, { runs, seed, shrink: !values['no-shrink'], weighted: values.weighted, onFailure: async (message, c, record) => {
        console.error(`FAILED case ${JSON.stringify(c)}\n${message}`);
        if (values.dump) await dumpCase(h, record, values.dump).catch((err: unknown) => console.error(`could not write the histories: ${String(err)}`));
      }, onCase: (n) => n % 10 === 0 && console.log(`  ${n} cases, ${Math.round((Date.now() - started) / 1000)} s`) });
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

async function playOne(json: string, repeat: number, dump: string | undefined): Promise<void> {
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive whole number`);
  const c = JSON.parse(json) as ModelCase;
  const h = new ModelHarness();
  await h.start();
  try {
    for (let i = 1; i <= repeat; i++) {
      const record = await runCase(h, c);
      const problems = await checkCase(h, record);
      if (repeat === 1) {
        for (const order of record.orders) console.log(JSON.stringify((await h.api('GET', order.path)).json, null, 1));
        console.log(JSON.stringify(record.sent.map((s) => ({ path: s.path, body: s.body, sentAt: s.sentAt, status: s.status, answer: s.json?.error ?? (s.json?.order as { status?: string } | undefined)?.status })), null, 1));
      }
      console.log(problems.length ? `play ${i}: invariants broken:\n  ${problems.join('\n  ')}` : `play ${i}: the case passed`);
      if (!problems.length) continue;
      process.exitCode = 1;
      if (dump) await dumpCase(h, record, dump);
      break;
    }
  } finally {
    await h.stop();
  }
}

async function dumpCase(h: ModelHarness, record: CaseRecord, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { History } = temporal.api.history.v1;
  for (const { workflowId, history } of await fetchHistories(h, record.orders)) {
    writeFileSync(join(dir, `${workflowId}.json`), JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String }), null, 1));
  }
  writeFileSync(join(dir, 'record.json'), JSON.stringify({ ...record, deadlines: Object.fromEntries(record.deadlines) }, null, 1));
  console.error(`histories written to ${dir}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
