import fc from 'fast-check';
import { IdempotencyKey } from '../src/schemas/common';
import { OPERATIONS, operationKey, looksLikeOurKey, type IdKind, type OperationKeyParts } from '../src/operationKeys';

const idChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'.split(''));
const reference = fc.string({ unit: idChar, minLength: 8, maxLength: 64 });
const id = fc.string({ unit: idChar, minLength: 1, maxLength: 64 });
const parts: fc.Arbitrary<OperationKeyParts> = fc.record({
  reference,
  operation: fc.constantFrom(...OPERATIONS),
  idKind: fc.constantFrom<IdKind>('shipment', 'refund', 'sequence'),
  id,
  generation: fc.nat({ max: 1_000 }),
});

describe('operation keys', () => {
  test('a retry of shipment "box" and the shipment called "box-r1" get different keys (the old scheme gave both box-r1)', () => {
    const retryOfBox = operationKey({ reference: 'order-123456', operation: 'capture', idKind: 'shipment', id: 'box', generation: 1 });
    const boxR1 = operationKey({ reference: 'order-123456', operation: 'capture', idKind: 'shipment', id: 'box-r1' });
    expect(retryOfBox).toBe('order-123456.capture.s.box.1');
    expect(boxR1).toBe('order-123456.capture.s.box-r1');
  });

  test('shipment ids of 62 to 64 characters give keys instead of throwing, for every generation', () => {
    for (const length of [62, 63, 64]) {
      for (const generation of [0, 1, 7]) {
        const key = operationKey({ reference: 'r'.repeat(64), operation: 'capture', idKind: 'shipment', id: 's'.repeat(length), generation });
        expect(key.length).toBeLessThanOrEqual(50);
      }
    }
  });

  test('every key is a valid Vipps Idempotency-Key of at most 50 characters and is the same every time', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const key = operationKey(p);
        expect(IdempotencyKey.safeParse(key).success).toBe(true);
        expect(key.length).toBeLessThanOrEqual(50);
        expect(operationKey({ ...p })).toBe(key);
        expect(looksLikeOurKey(p.reference, key)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test('different parts never give the same key, whatever ids callers choose', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const same = a.reference === b.reference && a.operation === b.operation && a.idKind === b.idKind && a.id === b.id && (a.generation ?? 0) === (b.generation ?? 0);
        if (!same) expect(operationKey(a)).not.toBe(operationKey(b));
      }),
      { numRuns: 5_000 },
    );
  });

  test('near-collisions: a shipment id, a refund id and our own sequence with the same text stay apart, across operations and generations', () => {
    fc.assert(
      fc.property(reference, id, fc.nat({ max: 3 }), (ref, text, generation) => {
        const keys = new Set<string>();
        for (const operation of OPERATIONS) {
          for (const idKind of ['shipment', 'refund', 'sequence'] as const) {
            for (const g of [generation, generation + 1]) keys.add(operationKey({ reference: ref, operation, idKind, id: text, generation: g }));
            keys.add(operationKey({ reference: ref, operation, idKind, id: `${text}-1` }));
          }
        }
        expect(keys.size).toBe(OPERATIONS.length * 3 * 3);
      }),
      { numRuns: 500 },
    );
  });

  test('refuses parts outside the alphabet with a clear error', () => {
    expect(() => operationKey({ reference: 'short', operation: 'capture', idKind: 'shipment', id: 'a' })).toThrow('reference must match');
    expect(() => operationKey({ reference: 'order-123456', operation: 'capture', idKind: 'shipment', id: 'a.b' })).toThrow('id must match');
    expect(() => operationKey({ reference: 'order-123456', operation: 'capture', idKind: 'shipment', id: 'a', generation: -1 })).toThrow('generation');
  });
});
