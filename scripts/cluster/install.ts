// Installs what the cluster needs, once per machine and idempotently: Debian's PostgreSQL (apt-get),
// and the Temporal server, temporal-sql-tool and (if it builds) the Temporal UI server, built from
// the Go module proxy into .tools/. A finished build is moved into place with one rename, so an
// interrupted build never leaves a half-filled folder that later runs would trust.
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { findOnPath, isExecutableFile, run } from '../process';
import { SERVER_TOOLS_DIR, TEMPORAL_VERSIONS, UI_TOOLS_DIR } from './settings';

export type Log = (line: string) => void;

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export interface ServerTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12/{temporal,visibility}/versioned, copied out of the module cache. */
  schemaDir: string;
}

export function serverTools(dir = SERVER_TOOLS_DIR): ServerTools {
  return {
    server: path.join(dir, 'bin', 'temporal-server'),
    sqlTool: path.join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', TEMPORAL_VERSIONS.postgresqlSchema),
  };
}

export function uiServerBinary(dir = UI_TOOLS_DIR): string {
  return path.join(dir, 'bin', 'temporal-ui-server');
}

/** The go command with the pinned toolchain: server 1.32 needs a newer Go than the machine's 1.26. */
function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: TEMPORAL_VERSIONS.go, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false', ...extra };
}

async function requireGo(): Promise<string> {
  const go = await findOnPath('go');
  if (!go) throw new Error('go is not on PATH: the Temporal server is built from the Go module proxy (Go >= 1.26 with GOTOOLCHAIN support)');
  return go;
}

/** Builds into a temp folder next to the target, then renames it into place. */
async function buildInto(target: string, body: (tmp: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(tmp);
  try {
    await body(tmp);
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(tmp, target);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

export async function ensureServerTools(log: Log): Promise<ServerTools> {
  const tools = serverTools();
  if ((await isExecutableFile(tools.server)) && (await isExecutableFile(tools.sqlTool)) && existsSync(tools.schemaDir)) return tools;
  const go = await requireGo();
  const version = `v${TEMPORAL_VERSIONS.server}`;
  log(`Building the Temporal server ${version} and temporal-sql-tool with go install (${TEMPORAL_VERSIONS.go}; several minutes the first time)…`);
  const started = Date.now();
  await buildInto(SERVER_TOOLS_DIR, async (tmp) => {
    const bin = path.join(tmp, 'bin');
    await run(go, ['install', '-ldflags', '-s -w', `${SERVER_MODULE}/cmd/server@${version}`, `${SERVER_MODULE}/cmd/tools/sql@${version}`], {
      env: goEnv({ GOBIN: bin }),
      inheritStderr: true,
    });
    await fs.rename(path.join(bin, 'server'), path.join(bin, 'temporal-server'));
    await fs.rename(path.join(bin, 'sql'), path.join(bin, 'temporal-sql-tool'));
    // The schema files ship only inside the module; keep a copy so a cleaned module cache does not matter.
    const { stdout } = await run(go, ['mod', 'download', '-json', `${SERVER_MODULE}@${version}`], { env: goEnv() });
    const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error(`go mod download did not report where ${SERVER_MODULE}@${version} is`);
    const schema = path.join('schema', 'postgresql', TEMPORAL_VERSIONS.postgresqlSchema);
    await fs.cp(path.join(moduleDir, schema), path.join(tmp, schema), { recursive: true });
    await chmodTree(path.join(tmp, 'schema'));
  });
  log(`Built the Temporal server ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s (${SERVER_TOOLS_DIR})`);
  return tools;
}

/**
 * The standalone Temporal UI server, for a UI that points at the cluster's frontend (the CLI's
 * embedded UI only serves its own dev server). Optional: if it cannot be built, the cluster runs without.
 */
export async function ensureUiServer(log: Log): Promise<string | undefined> {
  const binary = uiServerBinary();
  if (await isExecutableFile(binary)) return binary;
  const failedMarker = `${UI_TOOLS_DIR}.failed`;
  if (existsSync(failedMarker)) return undefined;
  const go = await requireGo();
  const version = `v${TEMPORAL_VERSIONS.ui}`;
  log(`Building the Temporal UI server ${version} with go install…`);
  try {
    await buildInto(UI_TOOLS_DIR, async (tmp) => {
      const bin = path.join(tmp, 'bin');
      await run(go, ['install', '-ldflags', '-s -w', `${UI_MODULE}/cmd/server@${version}`], { env: goEnv({ GOBIN: bin }), inheritStderr: true });
      await fs.rename(path.join(bin, 'server'), path.join(bin, 'temporal-ui-server'));
    });
    return binary;
  } catch (err) {
    // Remembered, so every later start does not retry a build that cannot work here.
    await fs.writeFile(failedMarker, `${new Date().toISOString()} ${(err as Error).message}\n`);
    log(`The Temporal UI server could not be built (${(err as Error).message.split('\n')[0]}); running without a UI. Delete ${failedMarker} to retry.`);
    return undefined;
  }
}

/** Module-cache files are read-only; a copied tree must be removable like any other. */
async function chmodTree(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    await fs.chmod(full, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) await chmodTree(full);
  }
  await fs.chmod(dir, 0o755);
}

export interface PostgresTools {
  bin: string;
}

/** Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres), installed with apt-get when missing. */
export async function ensurePostgres(log: Log): Promise<PostgresTools> {
  const found = await findPostgresBin();
  if (found) return { bin: found };
  if (process.getuid?.() !== 0 || !(await findOnPath('apt-get'))) {
    throw new Error('PostgreSQL server binaries not found: install them with `sudo apt-get install -y postgresql`');
  }
  log('Installing PostgreSQL with apt-get (once per machine)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
  try {
    await install();
  } catch {
    await run('apt-get', ['update'], { env });
    await install();
  }
  const bin = await findPostgresBin();
  if (!bin) throw new Error('apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/initdb was found');
  return { bin };
}

async function findPostgresBin(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = (await fs.readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (await isExecutableFile(path.join(bin, 'initdb'))) return bin;
  }
  return undefined;
}
