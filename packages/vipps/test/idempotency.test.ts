import { deriveIdempotencyKey } from '../src/idempotency';

describe('idempotency keys', () => {
  test('are deterministic and readable when they fit', () => {
    expect(deriveIdempotencyKey('order-123456', 'capture', 'ship-1')).toBe('order-123456.capture.ship-1');
    expect(deriveIdempotencyKey('order-123456', 'capture', 'ship-1')).toBe(deriveIdempotencyKey('order-123456', 'capture', 'ship-1'));
  });

  test('differ by reference, operation and sequence', () => {
    const keys = new Set([
      deriveIdempotencyKey('order-123456', 'capture', 1),
      deriveIdempotencyKey('order-123456', 'capture', 2),
      deriveIdempotencyKey('order-123456', 'refund', 1),
      deriveIdempotencyKey('order-654321', 'capture', 1),
    ]);
    expect(keys.size).toBe(4);
  });

  test('long references give a hashed key of at most 50 characters that still separates inputs', () => {
    const ref = 'a'.repeat(64);
    const k1 = deriveIdempotencyKey(ref, 'capture', 'shipment-1');
    const k2 = deriveIdempotencyKey(ref, 'capture', 'shipment-2');
    const k3 = deriveIdempotencyKey(`${'a'.repeat(63)}b`, 'capture', 'shipment-1');
    for (const k of [k1, k2, k3]) {
      expect(k.length).toBeLessThanOrEqual(50);
      expect(k.startsWith('h.capture.')).toBe(true);
    }
    expect(new Set([k1, k2, k3]).size).toBe(3);
    expect(deriveIdempotencyKey(ref, 'capture', 'shipment-1')).toBe(k1);
  });

  test('a key of exactly 50 characters stays readable; one more switches to the hash', () => {
    const ref = 'r'.repeat(36); // 36 + ".capture." (9) + 5 = 50
    expect(deriveIdempotencyKey(ref, 'capture', '12345')).toBe(`${ref}.capture.12345`);
    expect(deriveIdempotencyKey(ref, 'capture', '123456').startsWith('h.')).toBe(true);
  });

  test('refuses parts that could make keys ambiguous', () => {
    expect(() => deriveIdempotencyKey('short', 'capture', 1)).toThrow('invalid reference');
    expect(() => deriveIdempotencyKey('order-123456', 'Capture.x', 1)).toThrow('invalid operation');
    expect(() => deriveIdempotencyKey('order-123456', 'capture', 'a.b')).toThrow('sequence');
  });
});
