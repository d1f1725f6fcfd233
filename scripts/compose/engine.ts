// The Docker engine for the compose test: Debian's packages installed once per machine (apt-get, as
// root), and an engine started here when none answers. Ours runs without iptables and without a
// bridge (containers on host networking only, so every connection stays on loopback), on overlay2
// where this kernel mounts overlayfs on the data root (else vfs, which copies every layer whole), with
// all its state under .data/docker/ (git-ignored); stop() ends only the engine this process started.
import { spawn } from 'node:child_process';
import { existsSync, openSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../temporal-cli';
import { findOnPath, run } from '../process';

export type Log = (line: string) => void;

export const DOCKER_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'docker');
const OUR_SOCKET = path.join(DOCKER_DATA_DIR, 'docker.sock');

/** Debian packages: the engine (dockerd, containerd, runc), debootstrap for the base root filesystem, compose v1. */
const PACKAGES = [
  { pkg: 'docker.io', binary: 'dockerd' },
  { pkg: 'debootstrap', binary: 'debootstrap' },
  { pkg: 'docker-compose', binary: 'docker-compose' },
] as const;

export async function ensureDockerPackages(log: Log): Promise<void> {
  const missing: string[] = [];
  for (const p of PACKAGES) if (!(await findOnPath(p.binary))) missing.push(p.pkg);
  if ((await findOnPath('docker')) === undefined) missing.push('docker.io');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: install them with \`sudo apt-get install -y ${missing.join(' ')}\``);
  log(`Installing ${missing.join(', ')} with apt-get (once per machine)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...new Set(missing)], { env, timeoutMs: 15 * 60_000 });
  try {
    await install();
  } catch {
    await run('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
    await install();
  }
}

export interface Engine {
  /** DOCKER_HOST for the docker and docker-compose clients. */
  host: string;
  /** Whether this process started it (and stop() will end it). */
  started: boolean;
  stop(): Promise<void>;
}

async function answers(host: string): Promise<boolean> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST: host }, timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The first engine that answers: DOCKER_HOST, the system socket, ours from an earlier run. */
export async function answeringEngine(): Promise<string | undefined> {
  const candidates = [process.env.DOCKER_HOST, 'unix:///var/run/docker.sock', `unix://${OUR_SOCKET}`].filter((h): h is string => !!h);
  for (const host of candidates) {
    if ((host.startsWith('unix://') ? existsSync(host.slice(7)) : true) && (await answers(host))) return host;
  }
  return undefined;
}

/** An engine that already answers, else a new one. */
export async function ensureEngine(log: Log): Promise<Engine> {
  const host = await answeringEngine();
  if (host) {
    log(`Using the Docker engine at ${host}`);
    return { host, started: false, stop: () => Promise.resolve() };
  }
  return startEngine(log);
}

/**
 * overlay2 when an overlayfs mount works on the filesystem that holds the engine's state; vfs otherwise.
 * vfs stores each layer as a full copy: a Dockerfile step over the build stage's ~900 MB of
 * node_modules then costs minutes, which overlay2 reduces to the files the step changed.
 * COMPOSE_STORAGE_DRIVER forces one.
 */
export async function chooseStorageDriver(log: Log): Promise<'overlay2' | 'vfs'> {
  const forced = process.env.COMPOSE_STORAGE_DRIVER;
  if (forced !== undefined && forced !== '') {
    if (forced !== 'overlay2' && forced !== 'vfs') throw new Error(`COMPOSE_STORAGE_DRIVER must be overlay2 or vfs, not ${JSON.stringify(forced)}`);
    return forced;
  }
  const probe = path.join(DOCKER_DATA_DIR, 'overlay-probe');
  await fs.rm(probe, { recursive: true, force: true });
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => path.join(probe, d));
  for (const d of [lower, upper, work, merged]) await fs.mkdir(d!, { recursive: true });
  await fs.writeFile(path.join(lower!, 'file'), 'lower');
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged!], { timeoutMs: 10_000 });
    const seen = await fs.readFile(path.join(merged!, 'file'), 'utf8').finally(() => run('umount', [merged!], { timeoutMs: 10_000 }));
    if (seen === 'lower') return 'overlay2';
    log('overlayfs mounted but did not show its lower layer: using vfs');
  } catch (err) {
    log(`overlayfs is not available here (${(err as Error).message.split('\n')[0]}): using vfs, which copies every layer`);
  } finally {
    await fs.rm(probe, { recursive: true, force: true });
  }
  return 'vfs';
}

/**
 * Unmounts what an engine of ours left mounted under .data/docker/ (dockerd keeps its network
 * namespace bind-mounted at exec/netns/default after it exits): otherwise `rm -rf` of the checkout
 * fails with "Device or resource busy". Deepest first; an error is logged, not thrown.
 */
export async function unmountLeftovers(log: Log): Promise<void> {
  const mounts = await fs.readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const ours = mounts
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((point): point is string => !!point && point.startsWith(`${DOCKER_DATA_DIR}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of ours) await run('umount', [point], { timeoutMs: 10_000 }).catch((err: Error) => log(`could not unmount ${point}: ${err.message.split('\n')[0]}`));
}

async function startEngine(log: Log): Promise<Engine> {
  const host = `unix://${OUR_SOCKET}`;
  const pidFile = path.join(DOCKER_DATA_DIR, 'dockerd.pid');
  await fs.mkdir(DOCKER_DATA_DIR, { recursive: true });
  // A dockerd killed before it could clean up leaves its pid file and socket; it refuses to start over them.
  await unmountLeftovers(log);
  await fs.rm(pidFile, { force: true });
  await fs.rm(OUR_SOCKET, { force: true });
  const out = openSync(path.join(DOCKER_DATA_DIR, 'dockerd.log'), 'a');
  const driver = await chooseStorageDriver(log);
  const args = [
    '--iptables=false', '--ip6tables=false', '--bridge=none', `--storage-driver=${driver}`,
    '--data-root', path.join(DOCKER_DATA_DIR, 'root'), '--exec-root', path.join(DOCKER_DATA_DIR, 'exec'),
    '--pidfile', pidFile, '-H', host,
  ];
  log(`Starting a Docker engine (dockerd ${args.join(' ')})`);
  const child = spawn('dockerd', args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 90_000;
  while (!(await answers(host))) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}; see ${path.join(DOCKER_DATA_DIR, 'dockerd.log')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dockerd did not answer within 90 s; see ${path.join(DOCKER_DATA_DIR, 'dockerd.log')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    host,
    started: true,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        // The 30 s limit must not outlive an engine that stopped sooner (it would hold jest open).
        let limit: NodeJS.Timeout | undefined;
        const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (limit = setTimeout(() => r(false), 30_000)))]);
        clearTimeout(limit);
        if (!gone) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await unmountLeftovers(log);
    },
  };
}
