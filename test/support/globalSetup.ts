// Installs the Temporal CLI once per jest run, before any worker starts, so test suites never race
// to download it and their beforeAll hooks are not charged for a first-time install.
import { ensureTemporalCli } from '../../scripts/temporal-cli';

export default async function globalSetup(): Promise<void> {
  await ensureTemporalCli((line) => console.log(`[temporal] ${line}`));
}
