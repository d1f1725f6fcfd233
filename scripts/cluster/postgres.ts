// Debian's PostgreSQL as the cluster's database: a data directory under .data/, owned by and run as
// the non-root `postgres` user (PostgreSQL refuses to run as root), TCP on 127.0.0.1 only.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../process';
import { type ChildSpec } from './child';

export const POSTGRES_USER = 'temporal';

interface Account {
  uid: number;
  gid: number;
}

/** Who runs PostgreSQL: `postgres` (made by the Debian package) when we are root, else ourselves. */
async function account(): Promise<Account | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (apt-get install postgresql makes it)');
  }
}

/** The command, prefixed to drop from root to the postgres user (setpriv execs, so the pid is PostgreSQL's own). */
function asAccount(who: Account | undefined, command: string, args: string[]): { command: string; args: string[] } {
  if (!who) return { command, args };
  return { command: 'setpriv', args: [`--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', command, ...args] };
}

export interface PostgresSetup {
  spec: ChildSpec;
  /** True when initdb ran now (a new, empty database cluster). */
  created: boolean;
}

/** Where the postgres user keeps a data directory it cannot reach inside the checkout. */
const FALLBACK_ROOT = '/var/lib/postgresql/vipps-temporal-orders';

/**
 * The data directory lives under .data/. When the checkout is not reachable by the postgres user
 * (e.g. a clone under /root, mode 700), .data/…/postgresql becomes a link to a directory of the
 * postgres user's own; the link is made anew, with an empty target, for every new database.
 */
async function dataDirectory(dataDir: string, who: Account | undefined, log: (line: string) => void): Promise<string> {
  const link = await fs.lstat(dataDir).catch(() => undefined);
  if (link?.isSymbolicLink()) return fs.realpath(dataDir);
  if (!link) {
    await fs.mkdir(dataDir, { mode: 0o700 });
    if (who) await fs.chown(dataDir, who.uid, who.gid);
  }
  if (!who || (await reachable(who, dataDir))) return dataDir;
  await fs.rm(dataDir, { recursive: true, force: true });
  const target = path.join(FALLBACK_ROOT, createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  await fs.rm(target, { recursive: true, force: true });
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  await fs.chown(FALLBACK_ROOT, who.uid, who.gid);
  await fs.chown(target, who.uid, who.gid);
  await fs.symlink(target, dataDir);
  log(`PostgreSQL: the postgres user cannot reach ${dataDir}, so it links to ${target}`);
  return target;
}

async function reachable(who: Account, dir: string): Promise<boolean> {
  const probe = asAccount(who, 'test', ['-w', dir, '-a', '-x', dir]);
  return run(probe.command, probe.args).then(
    () => true,
    () => false,
  );
}

/** Removes a data directory made by preparePostgres, including a linked one outside the checkout. */
export async function removePostgresData(dataDir: string): Promise<void> {
  const link = await fs.lstat(dataDir).catch(() => undefined);
  if (link?.isSymbolicLink()) await fs.rm(await fs.realpath(dataDir), { recursive: true, force: true });
  await fs.rm(dataDir, { recursive: true, force: true });
}

export async function preparePostgres(opts: { bin: string; dataDir: string; port: number; logFile: string; log: (line: string) => void }): Promise<PostgresSetup> {
  const who = await account();
  await fs.mkdir(path.dirname(opts.dataDir), { recursive: true });
  const dir = await dataDirectory(opts.dataDir, who, opts.log);
  let created = false;
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // A half-made directory from an interrupted initdb is started over.
    for (const entry of await fs.readdir(dir)) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    opts.log(`PostgreSQL: initdb ${opts.dataDir}`);
    // Trust on loopback only: the server listens on 127.0.0.1 and nowhere else.
    const init = asAccount(who, path.join(opts.bin, 'initdb'), ['-D', dir, '-U', POSTGRES_USER, '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
    await run(init.command, init.args);
    created = true;
  }
  const server = asAccount(who, path.join(opts.bin, 'postgres'), [
    '-D', dir,
    '-p', String(opts.port),
    '-c', 'listen_addresses=127.0.0.1',
    // No unix socket: its default directory belongs to the system's PostgreSQL, and TCP is all we use.
    '-c', 'unix_socket_directories=',
    // Five Temporal processes × (20 + 10) pooled connections, the schema tool and some headroom.
    '-c', 'max_connections=300',
    '-c', 'shared_buffers=256MB',
  ]);
  return {
    created,
    spec: { name: 'postgresql', command: server.command, args: server.args, env: { ...process.env, LC_ALL: 'C' }, logFile: opts.logFile, stopSignal: 'SIGINT' },
  };
}

export async function waitForPostgres(bin: string, port: number, isAlive: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', 'postgres', '-t', '2']);
      return;
    } catch {
      if (!isAlive()) throw new Error('PostgreSQL exited while starting');
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections on port ${port} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * Creates the two databases on first start and brings both schemas to the newest version the built
 * server ships (update-schema is a no-op when they are current, and migrates after a version bump).
 */
export async function setupSchemas(opts: { bin: string; sqlTool: string; schemaDir: string; port: number; log: (line: string) => void }): Promise<void> {
  const psql = (sql: string) => run(path.join(opts.bin, 'psql'), ['-h', '127.0.0.1', '-p', String(opts.port), '-U', POSTGRES_USER, '-d', 'postgres', '-tAc', sql]);
  const existing = new Set((await psql('select datname from pg_database')).stdout.split('\n').map((s) => s.trim()));
  for (const [db, folder] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
    const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(opts.port), '-u', POSTGRES_USER, '--db', db];
    if (!existing.has(db)) {
      opts.log(`PostgreSQL: creating database ${db} and its schema`);
      await run(opts.sqlTool, [...base, 'create-database']);
      await run(opts.sqlTool, [...base, 'setup-schema', '-v', '0.0']);
    }
    await run(opts.sqlTool, [...base, 'update-schema', '-d', path.join(opts.schemaDir, folder, 'versioned')]);
  }
}
