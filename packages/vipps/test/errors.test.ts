import { VippsApiError, parseRetryAfter } from '../src/errors';

describe('VippsApiError', () => {
  test.each([
    [{ kind: 'http', status: 500 }, true],
    [{ kind: 'http', status: 503 }, true],
    [{ kind: 'http', status: 423 }, true],
    [{ kind: 'http', status: 429 }, true],
    [{ kind: 'http', status: 400, errorCode: 6280 }, true],
    [{ kind: 'http', status: 409, errorCode: 6160 }, true],
    [{ kind: 'http', status: 409, errorCode: 6250 }, true],
    [{ kind: 'http', status: 408 }, true],
    [{ kind: 'network' }, true],
    [{ kind: 'timeout' }, true],
    [{ kind: 'http', status: 400, errorCode: 6080 }, false],
    [{ kind: 'http', status: 409, errorCode: 4010 }, false],
    [{ kind: 'http', status: 401 }, false],
    [{ kind: 'http', status: 404 }, false],
    [{ kind: 'invalid-response', status: 200 }, false],
    [{ kind: 'invalid-request' }, false],
  ] as const)('%j → retryable %s', (details, retryable) => {
    expect(new VippsApiError({ operation: 'capturePayment', ...details }).retryable).toBe(retryable);
  });

  test('the message names the operation, status, ErrorCode, fields and trace id', () => {
    const err = new VippsApiError({ kind: 'http', operation: 'createPayment', status: 400, errorCode: 4140, title: 'Missing', detail: 'returnUrl is required', traceId: 't-1', fieldErrors: [{ name: 'returnUrl', reason: 'required' }] });
    expect(err.message).toBe('Vipps createPayment failed HTTP 400 ErrorCode 4140: Missing: returnUrl is required [returnUrl: required] (traceId t-1)');
    expect(err.toJSON()).toEqual(expect.objectContaining({ status: 400, errorCode: 4140, retryable: false }));
  });
});

describe('VippsApiError.definite: a refusal only when Vipps said it', () => {
  test.each([
    // Vipps' problem answers with their ErrorCode, and the documented statuses.
    [{ kind: 'http', status: 400, errorCode: 6090 }, true],
    [{ kind: 'http', status: 409, errorCode: 4010 }, true],
    [{ kind: 'http', status: 422, errorCode: 5070 }, true],
    [{ kind: 'http', status: 404, errorCode: 5090 }, true],
    [{ kind: 'http', status: 401 }, true],
    [{ kind: 'http', status: 403 }, true],
    [{ kind: 'http', status: 400, fieldErrors: [{ name: 'modificationAmount', reason: 'required' }] }, true],
    [{ kind: 'invalid-request' }, true],
    // A bare 4xx (as a proxy or gateway may answer after Vipps applied the call), 408, 409 without a code.
    [{ kind: 'http', status: 400 }, false],
    [{ kind: 'http', status: 404 }, false],
    [{ kind: 'http', status: 408 }, false],
    [{ kind: 'http', status: 409 }, false],
    [{ kind: 'http', status: 422 }, false],
    // Try-later codes and everything without an answer.
    [{ kind: 'http', status: 409, errorCode: 6160 }, false],
    [{ kind: 'http', status: 429 }, false],
    [{ kind: 'http', status: 503 }, false],
    [{ kind: 'invalid-response', status: 200 }, false],
    [{ kind: 'timeout' }, false],
    [{ kind: 'network' }, false],
  ] as const)('%j → definite %s', (details, definite) => {
    expect(new VippsApiError({ operation: 'capturePayment', ...details, fieldErrors: 'fieldErrors' in details ? [...details.fieldErrors] : [] }).definite).toBe(definite);
  });
});

describe('parseRetryAfter', () => {
  test('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
