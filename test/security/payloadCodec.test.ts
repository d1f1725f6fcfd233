import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { ConfigError } from '../../src/config';
import { loadFingerprintSecret, loadPayloadKeys, parsePayloadKeys } from '../../src/security/keyConfig';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, type EncryptionKey } from '../../src/security/payloadCodec';

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });
const plain = (text: string): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(text)) });
const str = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('AesGcmPayloadCodec', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  test('encrypts metadata and data under the newest key and decrypts them back', async () => {
    const codec = new AesGcmPayloadCodec([k2, k1]);
    const [encrypted] = await codec.encode([plain('Kari Nordmann, 4791234567')]);
    expect(str(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(str(encrypted!.metadata![KEY_ID_METADATA])).toBe('k2');
    expect(Buffer.from(encrypted!.data!).includes('4791234567')).toBe(false);
    expect(Buffer.from(encrypted!.data!).includes('json/plain')).toBe(false);
    const [decrypted] = await codec.decode([encrypted!]);
    expect(str(decrypted!.metadata!.encoding)).toBe('json/plain');
    expect(JSON.parse(str(decrypted!.data))).toBe('Kari Nordmann, 4791234567');
  });

  test('the same payload encrypts differently each time (random IV)', async () => {
    const codec = new AesGcmPayloadCodec([k1]);
    const [a, b] = await codec.encode([plain('x'), plain('x')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  test('rotation: payloads of an old key still decrypt once a newer key is in front; new ones use the newer key', async () => {
    const before = new AesGcmPayloadCodec([k1]);
    const after = new AesGcmPayloadCodec([k2, k1]);
    const [old] = await before.encode([plain('written before rotation')]);
    expect(JSON.parse(str((await after.decode([old!]))[0]!.data))).toBe('written before rotation');
    expect(after.currentKeyId).toBe('k2');
  });

  test('a key that is no longer configured is named in the error', async () => {
    const [old] = await new AesGcmPayloadCodec([k1]).encode([plain('x')]);
    await expect(new AesGcmPayloadCodec([k2]).decode([old!])).rejects.toThrow(new PayloadDecryptionError('a payload is encrypted with key "k1", which is not configured (PAYLOAD_ENCRYPTION_KEYS)'));
  });

  test('altered ciphertext, a relabelled key id, or another key under the same id do not decrypt', async () => {
    const codec = new AesGcmPayloadCodec([k2, k1]);
    const [p] = await codec.encode([plain('x')]);
    const flipped = Buffer.from(p!.data!);
    flipped[20]! ^= 1;
    await expect(codec.decode([{ ...p!, data: flipped }])).rejects.toThrow('does not authenticate');
    await expect(codec.decode([{ ...p!, metadata: { ...p!.metadata, [KEY_ID_METADATA]: Buffer.from('k1') } }])).rejects.toThrow('does not authenticate');
    await expect(new AesGcmPayloadCodec([key('k2')]).decode([p!])).rejects.toThrow('does not authenticate');
    await expect(codec.decode([{ ...p!, data: Buffer.alloc(10) }])).rejects.toThrow('truncated');
  });

  test('payloads written without the codec pass through decode unchanged (histories from before it)', async () => {
    const codec = new AesGcmPayloadCodec([k1]);
    const p = plain('old history');
    expect(await codec.decode([p])).toEqual([p]);
  });

  test('refuses bad key sets', () => {
    expect(() => new AesGcmPayloadCodec([])).toThrow('at least one key');
    expect(() => new AesGcmPayloadCodec([{ id: 'short', key: randomBytes(16) }])).toThrow('32 bytes');
    expect(() => new AesGcmPayloadCodec([k1, k1])).toThrow('used twice');
  });
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  const b64 = () => randomBytes(32).toString('base64');

  test('id:base64 entries, newest first, by comma or newline', () => {
    const keys = parsePayloadKeys(`2026-12:${b64()},\n2026-06:${b64()}`);
    expect(keys.map((k) => k.id)).toEqual(['2026-12', '2026-06']);
    expect(keys.every((k) => k.key.length === 32)).toBe(true);
  });

  test('errors name the variable and the entry, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      parsePayloadKeys(`good:${b64()},bad:${short},nocolon,good:${b64()}`);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('PAYLOAD_ENCRYPTION_KEYS: entry 2 ("bad"): the key must be 32 bytes in base64');
    expect(message).toContain('PAYLOAD_ENCRYPTION_KEYS: entry 3: must be "id:base64key"');
    expect(message).toContain('PAYLOAD_ENCRYPTION_KEYS: entry 4 ("good"): the id is used twice');
    expect(message).not.toContain(short);
    expect(() => parsePayloadKeys(' , ')).toThrow('holds no key');
  });

  test('a development key only without a Vipps host; required for vipps.no', () => {
    expect(loadPayloadKeys({}).map((k) => k.id)).toEqual(['dev-1']);
    expect(() => loadPayloadKeys({ VIPPS_BASE_URL: 'https://api.vipps.no', VIPPS_CLIENT_ID: 'id', VIPPS_CLIENT_SECRET: 's', VIPPS_SUBSCRIPTION_KEY: 'k', VIPPS_MSN: '123456' })).toThrow(
      'PAYLOAD_ENCRYPTION_KEYS: is required when VIPPS_BASE_URL is a Vipps host',
    );
    expect(() => loadPayloadKeys({ PAYLOAD_ENCRYPTION_KEYS_FILE: '/nonexistent/keys' })).toThrow('PAYLOAD_ENCRYPTION_KEYS_FILE: cannot read /nonexistent/keys (ENOENT)');
  });
});

describe('REQUEST_FINGERPRINT_SECRET', () => {
  test('a secret of its own, at least 16 characters, required for vipps.no', () => {
    expect(loadFingerprintSecret({ REQUEST_FINGERPRINT_SECRET: 'a-fingerprint-secret-1' })).toBe('a-fingerprint-secret-1');
    expect(loadFingerprintSecret({ PII_SEALING_KEY: 'the-pii-sealing-key-123' })).not.toBe('the-pii-sealing-key-123');
    expect(() => loadFingerprintSecret({ REQUEST_FINGERPRINT_SECRET: 'short' })).toThrow('REQUEST_FINGERPRINT_SECRET: must be at least 16 characters');
    expect(() => loadFingerprintSecret({ VIPPS_BASE_URL: 'https://apitest.vipps.no', VIPPS_CLIENT_ID: 'id', VIPPS_CLIENT_SECRET: 's', VIPPS_SUBSCRIPTION_KEY: 'k', VIPPS_MSN: '123456' })).toThrow(
      'REQUEST_FINGERPRINT_SECRET: is required',
    );
  });
});
