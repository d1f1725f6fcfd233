import { ModelHarness } from './harness';
import { checkCase } from './invariants';
import { runCase } from './runCase';
async function main() {
  const h = new ModelHarness();
  await h.start();
  try {
    const c = JSON.parse(process.argv[2]!);
    const record = await runCase(h, c).catch((e) => { console.log('runCase threw', e); throw e; });
    console.log(JSON.stringify(record.sent.map((s) => [s.path, s.status, JSON.stringify(s.json).slice(0, 200)]), null, 1));
    console.log("problems", await checkCase(h, record));
    for (const id of record.orderIds) { const v = (await h.api("GET", `/orders/${id}`)).json as any; console.log(id, v.status, JSON.stringify(v.operations), JSON.stringify(v.cancel), JSON.stringify(v.timeline)); }
  } finally { await h.stop(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
