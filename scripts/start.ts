/**
 * `npm start`: the whole local stack (Temporal dev server with UI, Vipps MobilePay emulator, worker,
 * HTTP service with the demo shop), webhook registered, until Ctrl-C. Nothing outlives it.
 */
import path from 'node:path';
import { DEV_ORDER_API_KEY } from '../src/config';
import { startLocalStack, type LocalStack } from './local-stack';
import { ensureTemporalCli } from './temporal-cli';

async function main(): Promise<void> {
  const stop = new AbortController();
  const running: { stack?: LocalStack } = {};
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // npm and tsx pass Ctrl-C on as well, so one key press can arrive twice; only a later one forces.
      if (Date.now() - stoppingSince < 2000) return;
      console.log('\nForced exit.');
      process.exit(130);
    }
    stoppingSince = Date.now();
    stop.abort(signal);
    console.log('\nStopping…');
    void (running.stack?.stop() ?? Promise.resolve()).then(() => {
      console.log('Stopped.');
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

  const s = await startLocalStack({ persistent: true, log: (line) => console.log(`  ${line}`) });
  running.stack = s;
  if (stop.signal.aborted) return;
  // A token made up for this run is shown; a configured one stays in its variable.
  const tokenNote = process.env.CODEC_SERVER_TOKEN ? '$CODEC_SERVER_TOKEN' : s.codecToken;
  const keyNote = s.apiKey === DEV_ORDER_API_KEY ? ' (development key; set ORDER_API_KEY to change it)' : '';
  console.log(`
Vipps MobilePay orders: the local stack is up.

  Demo shop        ${s.serviceUrl}/
  Merchant page    ${s.serviceUrl}/merchant   (log in with the API key below)
  Order API        ${s.serviceUrl}/orders   Authorization: Bearer ${s.apiKey}${keyNote}
  Temporal UI      ${s.temporalUiUrl ?? '(not started here)'}
  Vipps emulator   ${s.emulatorUrl ?? '(using the real Vipps API)'}${s.emulatorUrl ? `   controls: ${s.emulatorUrl}/_emulator/payments` : ''}
  Temporal gRPC    ${s.temporalAddress} (namespace ${s.namespace})
  Codec server     ${s.codecServerUrl}   (the UI decodes payloads through it)
  Metrics          service ${s.serviceMetricsUrl ?? 'off'}   worker ${s.workerMetricsUrl ?? 'off'}

Decrypted histories from the CLI:
  ${path.relative(process.cwd(), await ensureTemporalCli()) || 'temporal'} workflow show -w order-<id> --codec-endpoint ${s.codecServerUrl} --codec-auth "Bearer ${tokenNote}"

Try: open the demo shop, pay, approve on the landing page, then ship on the merchant page.
     Or run \`npm run demo\` in another terminal. Press Ctrl-C to stop.`);
}

main().catch((err: unknown) => {
  console.error(`Could not start the stack: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
