// The pids of a running cluster's processes, kept in its data directory, so that the next start
// can stop what a launcher killed outright (SIGKILL gives it no chance to) left behind.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../temporal-cli';
import { type ManagedChild } from './child';

export function pidFile(dataDir: string): string {
  return path.join(dataDir, 'pids.json');
}

export async function writePids(dataDir: string, children: ManagedChild[]): Promise<void> {
  const pids = children.filter((c) => c.running && c.pid !== undefined).map((c) => ({ name: c.spec.name, pid: c.pid }));
  await fs.writeFile(pidFile(dataDir), JSON.stringify(pids));
}

/**
 * A launcher that was itself killed with SIGKILL cannot stop its children; the next start does it,
 * for processes that are still ours (their command line names this checkout).
 */
export async function killLeftovers(dataDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(pidFile(dataDir))) return;
  const pids = JSON.parse(readFileSync(pidFile(dataDir), 'utf8')) as { name: string; pid: number }[];
  for (const { name, pid } of pids) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!cmdline.includes(PROJECT_ROOT)) continue;
    log(`Stopping ${name} (pid ${pid}) left over from an earlier run`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await new Promise((r) => setTimeout(r, 500));
  await fs.rm(pidFile(dataDir), { force: true });
}
