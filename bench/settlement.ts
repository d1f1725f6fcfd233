/**
 * `npm run bench:settlement [-- --entries N --page-size P --rounds R]`: how fast the settlement
 * workflow reconciles a ledger's Report API feed, and what it costs on Temporal Cloud's meter.
 *
 * Each round writes N funds entries on the one ledger of a one-unit stack (emulator corrections
 * of +1.00, each with a reference of its own, so every entry is a line of the payout), closes the
 * ledger date (fees retained, payout scheduled), then times POST /settlements/sync until it has
 * caught up, and counts the dev server's billable Actions (its `action` metric) over the sync.
 * The first round also starts the ledger's workflow; later rounds show the steady state. The
 * payout the service reports is checked against the emulator's to the øre.
 */
import { parseArgs } from 'node:util';
import { freePort, startLocalStack, type LocalStack } from '../scripts/local-stack';
import { diffCounts, scrapeActions } from './cluster-metrics';

interface Round {
  entries: number;
  ms: number;
  actions: Map<string, number>;
}

async function call<T>(url: string, init: RequestInit = {}, ok = [200, 201]): Promise<T> {
  const res = await fetch(url, init);
  if (!ok.includes(res.status)) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function round(stack: LocalStack, metricsUrl: string, n: number, tag: string): Promise<Round> {
  const emulator = `${stack.emulatorUrl}/_emulator`;
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Written in parallel batches: the emulator, not the benchmark, is what may not keep up.
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => call(`${emulator}/ledgers/corrections`, json({ amount: 100, reference: `${tag}-${i + j}` }))));
  }
  const closed = await call<{ payouts: { payoutId: string }[] }>(`${emulator}/ledgers/close`, { method: 'POST' });
  const payoutId = closed.payouts[0]?.payoutId;
  if (!payoutId) throw new Error('the emulator scheduled no payout');
  const before = await scrapeActions(metricsUrl, stack.namespace);
  const started = performance.now();
  const answer = await call<{ ledgers: { caughtUp: boolean; payoutIds: string[] }[] }>(`${stack.serviceUrl}/settlements/sync`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}` } });
  const ms = performance.now() - started;
  // Late-counted Actions (the wake-up's own completion) land within a moment.
  await new Promise((r) => setTimeout(r, 1_000));
  const actions = diffCounts(await scrapeActions(metricsUrl, stack.namespace), before);
  if (!answer.ledgers.every((l) => l.caughtUp)) throw new Error(`sync did not catch up: ${JSON.stringify(answer)}`);

  const truth = await call<{ payout: { gross: number; fees: number; net: number } }>(`${emulator}/ledgers/payouts/${payoutId}`);
  const seen = await call<{ gross: number; fees: number; net: number; orders: unknown[] }>(`${stack.serviceUrl}/settlements/payouts/${payoutId}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  if (seen.gross !== truth.payout.gross || seen.fees !== truth.payout.fees || seen.net !== truth.payout.net || seen.orders.length !== n) {
    throw new Error(`payout ${payoutId}: service ${JSON.stringify({ gross: seen.gross, fees: seen.fees, net: seen.net, lines: seen.orders.length })} ≠ emulator ${JSON.stringify(truth.payout)} (${n} lines)`);
  }
  // The entries read: the N corrections and the close's fees-retained and scheduled-for-payout.
  return { entries: n + 2, ms, actions };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000' }, 'page-size': { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
  const n = Number(values.entries);
  const rounds = Number(values.rounds);
  const metricsPort = await freePort();
  const stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    temporalMetricsPort: metricsPort,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', EMULATOR_LEDGER_AUTO_CLOSE: 'false', EMULATOR_REPORT_PAGE_SIZE: String(values['page-size']), SETTLEMENT_SCHEDULES: 'off' },
  });
  try {
    console.log(`settlement benchmark: ${rounds} rounds of ${n} funds entries, ${values['page-size']} entries a Report API page`);
    for (let r = 1; r <= rounds; r++) {
      const result = await round(stack, `http://127.0.0.1:${metricsPort}/metrics`, n, `bench-${r}`);
      const total = [...result.actions.values()].reduce((s, v) => s + v, 0);
      const byType = [...result.actions].map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(
        `  round ${r}${r === 1 ? ' (starts the ledger workflow)' : ''}: ${result.entries} entries in ${(result.ms / 1000).toFixed(2)} s = ${Math.round(result.entries / (result.ms / 1000))} entries/s; ` +
          `${total} Actions = ${((total * 1000) / result.entries).toFixed(1)} per 1,000 entries [${byType}]; payout matches the emulator to the øre`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
