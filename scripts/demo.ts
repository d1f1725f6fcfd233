/**
 * `npm run demo`: one order through the whole flow without a person, printing each step: place →
 * approve (the emulator's test approve endpoint) → webhook → return page → receipt → two shipments
 * → refund, then a check of the emulator's money ledger. With SALES_UNITS_FILE, the same order id
 * on every unit of the file, each in its currency, and the refund on one of them (scripts/demo/).
 * Exits non-zero when a step fails. Uses the stack from `npm start` when one answers, else starts
 * its own on free ports.
 */
import { findOrStartStack, type DemoTarget } from './demo/demoTarget';
import { runDemo } from './demo/runDemo';

const started = Date.now();
let step = 0;

function say(text: string): void {
  step++;
  console.log(`${String(step).padStart(2)}. ${text}  (+${((Date.now() - started) / 1000).toFixed(2)} s)`);
}

async function main(): Promise<number> {
  let t: DemoTarget | undefined;
  try {
    t = await findOrStartStack(say);
    const result = await runDemo(t, process.env, say);
    if (t.temporalUiUrl && !t.stack) {
      const links = result.units.map((u) => `${t!.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(u.workflowId)}`);
      console.log(links.length === 1 ? `\nSee it in the Temporal UI: ${links[0]}` : `\nSee them in the Temporal UI:\n${links.map((l) => `  ${l}`).join('\n')}`);
    }
    console.log(`\nDemo completed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } catch (err) {
    console.error(`\nDemo failed at step ${step + 1}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await t?.stack?.stop();
  }
}

void main().then((code) => process.exit(code));
