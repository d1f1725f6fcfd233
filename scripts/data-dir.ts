/**
 * Where `npm start` (and `npm run temporal`) keep their state: DATA_DIR, default `.data/` in the
 * checkout. A second stack on other ports needs a directory of its own: two Temporal dev servers
 * writing one SQLite file would corrupt it, so a running stack holds a lock file there.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './temporal-cli';

type Env = Record<string, string | undefined>;

export function dataDir(env: Env = process.env): string {
  return path.resolve(PROJECT_ROOT, env.DATA_DIR || '.data');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory for this process; refuses when another live process has it. Returns the release. */
export async function claimDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, 'stack.pid');
  const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
    throw new Error(`${dir} is in use by a running stack (pid ${holder}). Stop it, or give this one its own directory: DATA_DIR=.data-2 (and other ports).`);
  }
  await writeFile(lock, `${process.pid}\n`);
  return async () => {
    const current = (await readFile(lock, 'utf8').catch(() => '')).trim();
    if (current === String(process.pid)) await rm(lock, { force: true });
  };
}
