import { startTestEmulator, type TestEmulator, VippsTestClient } from '../support/emulator';
import { type CheckOptions, ContractSpec, GATEWAY_ERROR_SCHEMA, SPEC_FILES, expectStatus } from './openApiContract';

/** Webhooks API v1 (developer-site spec): register, list, delete; success and errors. */

const PROBLEM_DETAILS: CheckOptions = { fallback: { component: 'ProblemDetails', mediaType: 'application/problem+json' } };
const GATEWAY: CheckOptions = {
  fallback: { schema: GATEWAY_ERROR_SCHEMA, mediaType: 'application/json', why: '401 comes from the API gateway' },
};

let spec: ContractSpec;
let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  spec = await ContractSpec.load(SPEC_FILES.webhooks);
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

const register = (body: unknown, headers: Record<string, string> = {}) => vipps.call('POST', '/webhooks/v1/webhooks', { body, headers });

describe('registerWebhook responses conform to the spec', () => {
  it('201 RegisterResponse', async () => {
    spec.check('registerWebhook', expectStatus(await register({ url: 'https://shop.example/hook', events: ['epayments.payment.captured.v1'] }), 201));
  });

  it('400 ProblemDetails for an http URL, an unknown event and a missing field', async () => {
    spec.check('registerWebhook', expectStatus(await register({ url: 'http://shop.example/hook', events: ['epayments.payment.captured.v1'] }), 400));
    spec.check('registerWebhook', expectStatus(await register({ url: 'https://shop.example/hook', events: ['nope'] }), 400));
    spec.check('registerWebhook', expectStatus(await register({ url: 'https://shop.example/hook' }), 400));
  });

  it('401 from the gateway', async () => {
    const res = await register({ url: 'https://shop.example/hook', events: ['epayments.payment.captured.v1'] }, { Authorization: 'Bearer x.y.z' });
    spec.check('registerWebhook', expectStatus(res, 401), GATEWAY);
  });
});

describe('listWebhooks responses conform to the spec', () => {
  it('200 QueryResponse', async () => {
    spec.check('listWebhooks', expectStatus(await vipps.call('GET', '/webhooks/v1/webhooks'), 200));
  });

  it('400 ProblemDetails for a too long Vipps-System-Name', async () => {
    const res = await vipps.call('GET', '/webhooks/v1/webhooks', { headers: { 'Vipps-System-Name': 'n'.repeat(31) } });
    spec.check('listWebhooks', expectStatus(res, 400));
  });
});

describe('deleteWebhook responses conform to the spec', () => {
  it('204 without a body', async () => {
    const { id } = (await register({ url: 'https://shop.example/delete-me', events: ['epayments.payment.created.v1'] })).body as { id: string };
    spec.check('deleteWebhook', expectStatus(await vipps.call('DELETE', `/webhooks/v1/webhooks/${id}`), 204));
  });

  it('404 (not in the spec) as ProblemDetails', async () => {
    const res = await vipps.call('DELETE', '/webhooks/v1/webhooks/00000000-0000-4000-8000-000000000000');
    spec.check('deleteWebhook', expectStatus(res, 404), PROBLEM_DETAILS);
  });
});
