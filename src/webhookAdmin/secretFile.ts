import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { secretLines, type SalesUnit } from '@vipps-orders/vipps/sales-units';

/** The secrets a webhook-secret file holds, the newest first (none when it is missing). */
export function readSecretFileLines(path: string): string[] {
  return existsSync(path) ? secretLines(readFileSync(path, 'utf8')) : [];
}

/**
 * Replaces a webhook-secret file in one step (a new file renamed over the old), so a service
 * reading it while it is written sees either the old secrets or the new ones, never half a line.
 */
export function writeSecretFile(path: string, secrets: readonly string[]): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, `${secrets.join('\n')}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The file a unit keeps its webhook secret in (the first file reference), where a registration writes it. */
export function webhookSecretFileOf(unit: Pick<SalesUnit, 'webhookSecretRefs'>): string | undefined {
  return unit.webhookSecretRefs.find((r): r is { file: string } => 'file' in r)?.file;
}
