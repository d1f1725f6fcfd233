/** The emulator's spoiled answers: the operation runs, but its answer does not parse or comes too late. */
import { control, startTestEmulator, VippsTestClient, type TestEmulator } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu?.close());

test('a corrupt answer is a 200 whose body is not the schema, and the capture did happen (the same key then answers properly)', async () => {
  const reference = await vipps.authorizedPayment(10_000);
  await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', reference, when: 'after', answer: 'corrupt' }] });
  const first = await vipps.capture(reference, 1_000, `${reference}-cap`);
  expect(first.status).toBe(200);
  expect(Object.keys(first.body as object)).toEqual(['corrupted']);
  const again = await vipps.capture(reference, 1_000, `${reference}-cap`);
  expect(again.status).toBe(200);
  expect((again.body as { aggregate: { capturedAmount: { value: number } } }).aggregate.capturedAmount.value).toBe(1_000);
});

test('a slow answer arrives after the delay, with the operation done', async () => {
  const reference = await vipps.authorizedPayment(10_000);
  await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'refundPayment', reference, when: 'after', answer: 'slow', delayMs: 300 }] });
  await vipps.capture(reference, 5_000, `${reference}-cap`);
  const started = Date.now();
  const refund = await vipps.refund(reference, 1_000, `${reference}-ref`);
  expect(refund.status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});

test('corrupt and slow answers need when: "after", and slow needs delayMs: a 400 naming the field', async () => {
  const bad = await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', answer: 'corrupt' }] });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('answer');
  const noDelay = await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', when: 'after', answer: 'slow' }] });
  expect(noDelay.status).toBe(400);
  expect(noDelay.text).toContain('delayMs');
});

test('a bare answer is the status with a proxy page (no problem, no ErrorCode), and the capture did happen (the same key then answers properly)', async () => {
  const reference = await vipps.authorizedPayment(10_000);
  await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', reference, when: 'after', status: 400, answer: 'bare' }] });
  const first = await vipps.capture(reference, 1_000, `${reference}-cap`);
  expect(first.status).toBe(400);
  expect(first.mediaType).toBe('text/html');
  expect(first.body).toBeUndefined();
  expect(first.text).not.toContain('ErrorCode');
  const again = await vipps.capture(reference, 1_000, `${reference}-cap`);
  expect(again.status).toBe(200);
  expect((again.body as { aggregate: { capturedAmount: { value: number } } }).aggregate.capturedAmount.value).toBe(1_000);
});

test('a bare answer needs when: "after" (the operation runs, then a proxy answers): a 400 naming the field', async () => {
  const bad = await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', status: 400, answer: 'bare' }] });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('answer');
});
