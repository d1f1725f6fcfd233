import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** One AES-256 key and the id it is known by in payload metadata. */
export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => Buffer.from(s, 'utf8');

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/**
 * Encrypts every payload the client and the worker hand to Temporal (workflow and activity
 * arguments and results, signals, Updates, Queries, memo, user metadata), so the server, its
 * database and anyone reading histories see ciphertext only. Search attributes never pass through
 * a codec and stay plaintext.
 *
 * The whole payload (its metadata and data) is sealed with AES-256-GCM under the newest key; the
 * key id travels in plaintext metadata so that any configured key can open it later (rotation:
 * add a new key in front, keep the old ones until no open history needs them). The key id and the
 * cipher are bound into the GCM tag as associated data, so a payload relabelled to another key
 * fails instead of decrypting to garbage.
 *
 * Payloads without our encoding pass through decode untouched: histories written before the codec
 * existed, and headers some SDK parts write in the clear, still read.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const [newest] = keys;
    if (!newest) throw new Error('AesGcmPayloadCodec needs at least one key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes, not ${key.length}`);
      if (byId.has(id)) throw new Error(`encryption key id ${id} is used twice`);
      byId.set(id, key);
    }
    this.byId = byId;
    this.current = newest;
  }

  /** The key id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  // async, so that a payload that does not decrypt rejects the promise instead of throwing.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(associatedData(this.current.id));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id), [CIPHER_METADATA]: utf8(CIPHER) },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (metadataText(payload, 'encoding') !== ENCRYPTED_ENCODING) return payload;
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (keyId === undefined) throw new PayloadDecryptionError(`an encrypted payload has no ${KEY_ID_METADATA}`);
    const key = this.byId.get(keyId);
    if (!key) throw new PayloadDecryptionError(`a payload is encrypted with key "${keyId}", which is not configured (PAYLOAD_ENCRYPTION_KEYS)`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`an encrypted payload (key "${keyId}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`an encrypted payload (key "${keyId}") does not authenticate: altered, or encrypted with another key of that id`);
    }
    const inner = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: inner.metadata ?? {}, data: inner.data ?? new Uint8Array() };
  }
}

function associatedData(keyId: string): Buffer {
  return utf8(`${CIPHER}:${keyId}`);
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value === undefined || value === null ? undefined : Buffer.from(value).toString('utf8');
}
