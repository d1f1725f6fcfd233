/**
 * One list of error codes: what the order client throws, what the document declares and what the
 * error handler sends all come from API_ERRORS (docs/api.md's table is checked in test/readme).
 */
import { Client, Connection } from '@temporalio/client';
import { loadServiceConfig } from '../../src/config';
import { buildService } from '../../src/http/app';
import { API_ERRORS, API_ERROR_CODES } from '../../src/http/schemas/errors';
import { OrderCommandError, type OrderErrorCode } from '../../src/orders/errors';
import { createOrderClient } from '../../src/orders/factory';

const CLIENT_CODES: OrderErrorCode[] = ['order_not_found', 'order_conflict', 'invalid_command', 'vipps_rejected', 'payment_create_failed', 'temporal_unavailable', 'still_processing'];

test('every code the order client throws is an API error with that status', () => {
  for (const code of CLIENT_CODES) {
    const status = new OrderCommandError(code, 'x').httpStatus;
    expect({ code, listed: (API_ERRORS[code].status as readonly number[]).includes(status) }).toEqual({ code, listed: true });
  }
});

test('the document declares exactly the API error codes, and each route only codes of its statuses', async () => {
  const env = { LOG_LEVEL: 'silent', DEMO_SHOP: 'true' };
  const config = loadServiceConfig(env);
  const app = await buildService({ config, orders: createOrderClient(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), env, config) });
  try {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      components: { schemas: { ApiError: { properties: { error: { enum: string[] } } } } };
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { properties?: { error?: { enum?: string[] } } } }> }> }>>;
    }>();
    expect(doc.components.schemas.ApiError.properties.error.enum.sort()).toEqual([...API_ERROR_CODES].sort());
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const code of response.content?.['application/json']?.schema.properties?.error?.enum ?? []) {
            const statuses = API_ERRORS[code as keyof typeof API_ERRORS]?.status as readonly number[] | undefined;
            expect({ where: `${method} ${path} ${status}`, code, ok: statuses?.includes(Number(status)) }).toEqual({ where: `${method} ${path} ${status}`, code, ok: true });
          }
        }
      }
    }
  } finally {
    await app.close();
  }
});
