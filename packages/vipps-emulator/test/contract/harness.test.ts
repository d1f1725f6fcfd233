import { ContractSpec, SPEC_FILES } from './openApiContract';
import { type HttpResult } from '../support/emulator';

/** The harness itself must fail on bad responses; otherwise every contract test could pass vacuously. */

function result(status: number, body: unknown, contentType = 'application/json'): HttpResult {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { status, headers: new Headers(body === undefined ? {} : { 'content-type': contentType }), mediaType: body === undefined ? '' : contentType, text, body };
}

const NOK = (value: number) => ({ currency: 'NOK', value });
const aggregate = { authorizedAmount: NOK(1000), cancelledAmount: NOK(0), capturedAmount: NOK(0), refundedAmount: NOK(0) };
const modification = { amount: NOK(1000), state: 'AUTHORIZED', aggregate, pspReference: '123', reference: 'acme-shop-123' };

let epayment: ContractSpec;
let webhooks: ContractSpec;
beforeAll(async () => {
  epayment = await ContractSpec.load(SPEC_FILES.epayment);
  webhooks = await ContractSpec.load(SPEC_FILES.webhooks);
});

describe('contract harness', () => {
  it('validates a body declared as application/problem+json (AdjustResponse) instead of skipping it', () => {
    expect(() => epayment.check('capturePayment', result(200, modification, 'application/problem+json'))).not.toThrow();
    const broken = { ...modification, aggregate: undefined };
    expect(() => epayment.check('capturePayment', result(200, broken, 'application/problem+json'))).toThrow(/does not match the spec/);
  });

  it('validates problem bodies against Problem (type must be present)', () => {
    const problem = { type: 'https://httpstatuses.io/400', title: 'Bad Request', status: 400, traceId: 't' };
    expect(() => epayment.check('capturePayment', result(400, problem, 'application/problem+json'))).not.toThrow();
    expect(() => epayment.check('capturePayment', result(400, { title: 'x', status: 400, traceId: 't' }, 'application/problem+json'))).toThrow();
  });

  it('fails when the Content-Type differs from the declared one and no deviation is documented', () => {
    const problem = { type: 'https://httpstatuses.io/400', title: 'Bad Request', status: 400, traceId: 't' };
    expect(() => epayment.check('capturePayment', result(400, problem, 'application/json'))).toThrow(/Content-Type/);
  });

  it('fails for a status the spec does not declare unless a fallback schema is given', () => {
    const problem = { type: 'https://httpstatuses.io/404', title: 'Not Found', status: 404, traceId: 't' };
    expect(() => epayment.check('getPayment', result(404, problem, 'application/problem+json'))).toThrow(/declares no response 404/);
    expect(() =>
      epayment.check('getPayment', result(404, problem, 'application/problem+json'), { fallback: { component: 'Problem', mediaType: 'application/problem+json' } }),
    ).not.toThrow();
  });

  it('fails when a body is sent for a status declared without one', () => {
    expect(() => epayment.check('forceApprove', result(200, undefined))).not.toThrow();
    expect(() => epayment.check('forceApprove', result(200, { ok: true }))).toThrow(/without a body/);
  });

  it('enforces additionalProperties: false of the Webhooks ProblemDetails', () => {
    const details = { type: 'x', title: 'Bad Request', status: 400, detail: 'd', instance: '/v1/webhooks', traceId: 't', extraDetails: [] };
    expect(() => webhooks.check('registerWebhook', result(400, details, 'application/problem+json'))).not.toThrow();
    expect(() => webhooks.check('registerWebhook', result(400, { ...details, errorCode: 1 }, 'application/problem+json'))).toThrow();
  });

  it('names the unnamed Webhooks operations', () => {
    expect(webhooks.operationIds().sort()).toEqual(['deleteWebhook', 'listWebhooks', 'registerWebhook']);
  });
});
