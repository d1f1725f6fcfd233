import { formatMoney } from '../../src/workflows/messages/money';

test('formatMoney writes minor units as major.minor and keeps the sign of small negative amounts', () => {
  expect(formatMoney({ value: 54_800, currency: 'NOK' })).toBe('NOK 548.00');
  expect(formatMoney({ value: 5, currency: 'DKK' })).toBe('DKK 0.05');
  expect(formatMoney({ value: -50, currency: 'EUR' })).toBe('EUR -0.50');
  expect(formatMoney({ value: -12_345, currency: 'NOK' })).toBe('NOK -123.45');
});
