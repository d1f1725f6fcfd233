// Once per jest run, before any suite starts: the Temporal CLI and Schemathesis (so suites never
// race to install them) and the Debian packages the browser and compose tests need.
import { ensureSchemathesis } from '../../scripts/schemathesis';
import { ensureSystemDeps } from '../../scripts/system-deps';
import { ensureTemporalCli } from '../../scripts/temporal-cli';

export default async function globalSetup(): Promise<void> {
  await ensureTemporalCli((line) => console.log(`[temporal] ${line}`));
  await ensureSystemDeps((line) => console.log(`[setup] ${line}`));
  await ensureSchemathesis((line) => console.log(`[schemathesis] ${line}`));
}
