import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals personal data (the customer's phone number) before it enters a workflow, so it never shows
 * in workflow history, the Temporal UI or logs; only the activity that sends it to Vipps opens it.
 * AES-256-GCM; the sealed form is `v1.<iv>.<ciphertext+tag>` in base64url.
 */
export class PiiSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Any secret string works: it is hashed to the 32-byte AES key.
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string): string {
    const [version, ivPart, bodyPart] = sealed.split('.');
    if (version !== 'v1' || !ivPart || !bodyPart) throw new Error('sealed value has an unknown format');
    const body = Buffer.from(bodyPart, 'base64url');
    if (body.length < 17) throw new Error('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(ivPart, 'base64url'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }
}
