import { join } from 'node:path';
import { ConfigError, DEV_VIPPS_CREDENTIALS } from '../../src/config';
import { placeOrderRequestFor, placeOrderRequestForUnits } from '../../src/orders/placeOrderRequest';
import { ENV_UNIT_NAME, loadSalesUnits } from '../../src/salesUnits/unitConfig';

const EXAMPLE = join(__dirname, '../../deploy/sales-units.example.yaml');

function order(extra: Record<string, unknown> = {}) {
  const line = { id: 'socks', name: 'Socks', totalAmount: 30_000, totalAmountExcludingTax: 24_000, totalTaxAmount: 6_000, taxRate: 2500 };
  return { orderId: 'shop-10001', amount: { value: 30_000, currency: 'DKK' }, description: 'Socks', orderLines: [line], ...extra };
}

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('sales units in the service and worker configuration', () => {
  test('without SALES_UNITS_FILE, the VIPPS_* variables are one unit whose orders name none (as before units)', () => {
    const { registry, fromFile } = loadSalesUnits({ VIPPS_CURRENCY: 'DKK' });
    expect(fromFile).toBe(false);
    expect(registry.units).toHaveLength(1);
    expect(registry.implicit).toMatchObject({ name: ENV_UNIT_NAME, msn: DEV_VIPPS_CREDENTIALS.msn, currency: 'DKK', unprefixedOrderIds: true, partialCapture: true });
    expect(registry.implicit?.market).toBeUndefined();
  });

  test('SALES_UNITS_FILE gives every unit of the file, with the shared client settings', () => {
    const units = loadSalesUnits({ SALES_UNITS_FILE: EXAMPLE, VIPPS_TIMEOUT_MS: '4000' });
    expect(units.fromFile).toBe(true);
    expect(units.registry.names()).toEqual(['no', 'dk', 'fi']);
    expect(units.vipps.timeoutMs).toBe(4000);
    expect(units.vipps).not.toHaveProperty('clientSecret');
  });

  test('development key sets are refused against the real Vipps APIs, naming the key set', () => {
    expect(() => loadSalesUnits({ SALES_UNITS_FILE: EXAMPLE, VIPPS_BASE_URL: 'https://apitest.vipps.no', VIPPS_CLIENT_ID: 'a', VIPPS_CLIENT_SECRET: 'b', VIPPS_SUBSCRIPTION_KEY: 'c', VIPPS_MSN: '1234' })).toThrow(
      /keySets\.no: development: true is refused for https:\/\/apitest\.vipps\.no/,
    );
  });

  test('a broken file stops the process with the file and the field named', () => {
    const read = () => 'keySets: {}\nunits:\n  - { name: dk, msn: "2234", market: DK, keys: live }';
    let error: unknown;
    try {
      loadSalesUnits({ SALES_UNITS_FILE: '/etc/units.yaml' }, read);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('Invalid sales-unit configuration (SALES_UNITS_FILE):\n  /etc/units.yaml:\n  units.0.keys: names no key set (known: none)');
  });
});

describe('placing an order on a service of several units', () => {
  const units = [
    { name: 'no', currency: 'NOK' as const },
    { name: 'dk', currency: 'DKK' as const },
  ];

  test('the route needs salesUnit, one of the units, and takes any of their currencies', () => {
    expect(issues(placeOrderRequestForUnits(units).safeParse(order()))).toEqual(['salesUnit: must be one of no, dk']);
    expect(issues(placeOrderRequestForUnits(units).safeParse(order({ salesUnit: 'se' })))).toEqual(['salesUnit: must be one of no, dk']);
    expect(placeOrderRequestForUnits(units).safeParse(order({ salesUnit: 'dk' })).success).toBe(true);
  });

  test("the unit's own rules: its currency, its minimum, and phone numbers of its market", () => {
    const dk = placeOrderRequestFor({ currency: 'DKK', salesUnit: 'dk', minimumAmount: 500, market: 'DK' });
    expect(issues(dk.safeParse(order({ salesUnit: 'dk', amount: { value: 30_000, currency: 'NOK' } })))).toEqual(['amount.currency: must be DKK, the currency of sales unit dk']);
    expect(issues(dk.safeParse(order({ amount: { value: 400, currency: 'DKK' }, orderLines: [{ ...order().orderLines[0], totalAmount: 400, totalAmountExcludingTax: 320, totalTaxAmount: 80 }] })))).toEqual([
      'amount.value: must be at least 500 (DKK 5.00, the minimum of sales unit dk)',
    ]);
    expect(issues(dk.safeParse(order({ customer: { phoneNumber: '+47 912 34 567' } })))).toEqual(['customer.phoneNumber: must be a DK number (country code +45)']);
    const parsed = dk.parse(order({ customer: { phoneNumber: '21 23 45 67' } }));
    expect(parsed.customer).toEqual({ phoneNumber: '4521234567' });
    expect(parsed).not.toHaveProperty('salesUnit');
  });

  test('a one-unit service refuses salesUnit rather than ignore it', () => {
    expect(issues(placeOrderRequestFor('DKK').safeParse(order({ salesUnit: 'dk' })))).toEqual(['salesUnit: this service has one sales unit; leave salesUnit out']);
  });
});
