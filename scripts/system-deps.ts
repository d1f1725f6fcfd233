/**
 * Debian packages the tests need: `chromium` (the browser test drives it with playwright-core; no
 * browser download) and `docker-compose` (to validate docker-compose.yml; no Docker engine needed).
 * Installed with apt-get when missing, as root; `npm test` runs this before the suites.
 */
import { existsSync } from 'node:fs';
import { findOnPath, run } from './process';

export const CHROMIUM_PATH = '/usr/bin/chromium';

interface SystemPackage {
  pkg: string;
  present(): boolean | Promise<boolean>;
}

const PACKAGES: SystemPackage[] = [
  { pkg: 'chromium', present: () => existsSync(CHROMIUM_PATH) },
  { pkg: 'docker-compose', present: async () => (await findOnPath('docker-compose')) !== undefined },
];

async function aptInstall(pkgs: string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
  try {
    await install();
  } catch {
    // A fresh machine may have no package lists yet.
    await run('apt-get', ['update'], { env });
    await install();
  }
}

export async function ensureSystemDeps(log: (line: string) => void = () => undefined): Promise<void> {
  const missing: string[] = [];
  for (const p of PACKAGES) if (!(await p.present())) missing.push(p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || (await findOnPath('apt-get')) === undefined) {
    throw new Error(`missing Debian package(s) ${missing.join(', ')}: install them with \`sudo apt-get install -y ${missing.join(' ')}\``);
  }
  log(`installing ${missing.join(', ')} with apt-get (once per machine)…`);
  await aptInstall(missing);
  for (const p of PACKAGES) if (!(await p.present())) throw new Error(`${p.pkg} is still missing after apt-get install`);
}
