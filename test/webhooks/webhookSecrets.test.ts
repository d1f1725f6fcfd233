import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotationMarker, WebhookSecrets } from '../../src/http/webhooks/webhookSecrets';
import { readSecretFileLines, writeSecretFile } from '../../src/webhookAdmin/secretFile';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhook-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a secret file is read again once the check interval has passed, and the old secret stops counting when the file drops it', () => {
  const file = join(dir, 'secret');
  writeSecretFile(file, ['old']);
  let now = 1_000_000;
  const secrets = new WebhookSecrets([{ file }], () => now, 1000);
  expect(secrets.current()).toEqual(['old']);

  writeSecretFile(file, ['new', 'old']);
  now += 999;
  expect(secrets.current()).toEqual(['old']);
  now += 1;
  expect(secrets.current()).toEqual(['new', 'old']);

  writeSecretFile(file, ['new']);
  now += 1000;
  expect(secrets.current()).toEqual(['new']);
});

test('a file that disappears or is emptied keeps the secrets read last; a file that appears later is picked up', () => {
  const file = join(dir, 'secret');
  let now = 0;
  const secrets = new WebhookSecrets([{ value: 'from-env' }, { file }], () => now, 1000);
  expect(secrets.current()).toEqual(['from-env']);
  writeSecretFile(file, ['late']);
  now += 1000;
  expect(secrets.current()).toEqual(['from-env', 'late']);
  rmSync(file);
  now += 1000;
  expect(secrets.current()).toEqual(['from-env', 'late']);
  writeFileSync(file, '\n');
  now += 1000;
  expect(secrets.current()).toEqual(['from-env', 'late']);
});

test('writeSecretFile replaces the file whole, one secret per line, readable by the owner only, and leaves no temporary file', () => {
  const file = join(dir, 'secret');
  writeSecretFile(file, ['a', 'b']);
  expect(readSecretFileLines(file)).toEqual(['a', 'b']);
  writeSecretFile(file, ['c']);
  expect(readSecretFileLines(file)).toEqual(['c']);
  expect(readdirSync(dir)).toEqual(['secret']);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readSecretFileLines(join(dir, 'missing'))).toEqual([]);
});

test('after a signature no secret matched, the files are looked at again at once; without a rotation under way nothing is waited for', async () => {
  const file = join(dir, 'secret');
  writeSecretFile(file, ['old']);
  const secrets = new WebhookSecrets([{ file }]);
  expect(await secrets.recheck()).toBeUndefined();
  writeSecretFile(file, ['new', 'old']);
  expect(await secrets.recheck()).toEqual(['new', 'old']);
  expect(secrets.current()).toEqual(['new', 'old']);
  expect(await WebhookSecrets.of(['x']).recheck()).toBeUndefined();
});

test('while a rotation marker is beside the file, a failed signature waits for the new secret to be written, and only so long', async () => {
  const file = join(dir, 'secret');
  writeSecretFile(file, ['old']);
  writeFileSync(rotationMarker(file), '1\n');
  const secrets = new WebhookSecrets([{ file }]);
  setTimeout(() => writeSecretFile(file, ['new', 'old']), 150);
  const started = Date.now();
  expect(await secrets.recheck(2000)).toEqual(['new', 'old']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  const waited = Date.now();
  expect(await secrets.recheck(200)).toBeUndefined();
  expect(Date.now() - waited).toBeGreaterThanOrEqual(190);
});
