/**
 * `npm run webhooks:register -- --wait <s>` (docker-compose's one-shot): it waits for the Vipps API
 * to accept connections before it registers, and nothing else is waited out.
 */
import { VippsApiError, VippsClient } from '@vipps-orders/vipps';
import { loadEmulatorConfig, startEmulator, type RunningEmulator } from '@vipps-orders/vipps-emulator';
import { freePort } from '../../scripts/ports';
import { loadVippsConfig } from '../../src/config';
import { waitForVipps } from '../../src/webhookAdmin/registration';

jest.setTimeout(60_000);

const clientFor = (port: number, extra: Record<string, string> = {}) => new VippsClient(loadVippsConfig({ VIPPS_BASE_URL: `http://127.0.0.1:${port}`, ...extra }));

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

test('waits for an emulator that starts listening after the wait began, and logs the wait once', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const started = Date.now();
  setTimeout(() => {
    void startEmulator({ ...loadEmulatorConfig({ EMULATOR_LOG_LEVEL: 'silent' }, { port }), host: '127.0.0.1' }).then((e) => (emulator = e));
  }, 2_500);
  await waitForVipps(clientFor(port), 30, (line) => lines.push(line));
  expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/waiting up to 30 s for it to answer/);
});

test('gives up with the connection error when nothing answers within the wait', async () => {
  const port = await freePort();
  const started = Date.now();
  const err = await waitForVipps(clientFor(port), 3, () => undefined).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VippsApiError);
  expect((err as VippsApiError).kind).toMatch(/network|timeout/);
  expect(Date.now() - started).toBeLessThan(20_000);
});

test('an answer that is an error ends the wait at once (wrong credentials are not waited out)', async () => {
  emulator = await startEmulator({ ...loadEmulatorConfig({ EMULATOR_LOG_LEVEL: 'silent' }, { port: 0 }), host: '127.0.0.1' });
  const started = Date.now();
  const err = await waitForVipps(clientFor(emulator.port, { VIPPS_CLIENT_SECRET: 'not-the-secret' }), 30, () => undefined).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VippsApiError);
  expect((err as VippsApiError).kind).toBe('http');
  expect(Date.now() - started).toBeLessThan(10_000);
});
