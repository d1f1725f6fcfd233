import { canonicalJson, requestFingerprint } from '../../src/orders/start/fingerprint';
import { PiiSealer } from '../../src/security/piiSealing';

describe('PII sealing', () => {
  const sealer = new PiiSealer('a-secret-of-some-length');

  test('seals to an opaque value that opens to the original', () => {
    const sealed = sealer.seal('4712345678');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('4712345678');
    expect(sealer.open(sealed)).toBe('4712345678');
  });

  test('sealing twice gives different values (random IV)', () => {
    expect(sealer.seal('4712345678')).not.toBe(sealer.seal('4712345678'));
  });

  test('a tampered value or another key is refused', () => {
    const sealed = sealer.seal('4712345678');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    expect(() => sealer.open(tampered)).toThrow();
    expect(() => new PiiSealer('another-secret-entirely').open(sealed)).toThrow();
    expect(() => sealer.open('plain')).toThrow('unknown format');
  });
});

describe('request fingerprints', () => {
  test('ignore key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestFingerprint('k', { a: 1, b: 2 })).toBe(requestFingerprint('k', { b: 2, a: 1 }));
  });

  test('change with the content and with the key', () => {
    expect(requestFingerprint('k', { a: 1 })).not.toBe(requestFingerprint('k', { a: 2 }));
    expect(requestFingerprint('k1', { a: 1 })).not.toBe(requestFingerprint('k2', { a: 1 }));
  });
});
