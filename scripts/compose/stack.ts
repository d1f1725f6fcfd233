// The compose stack of docker-compose.yml with the host-networking override of deploy/compose/, as
// `npm run compose:test` runs it: the project's two images built from the Dockerfile as it is, the
// stack brought up with fresh secrets of its own (never the file's local-trial defaults), its
// containers inspected, killed, stopped and restarted by service name, and taken down with its volumes.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../temporal-cli';
import { canListen } from '../ports';
import { run, type RunResult } from '../process';
import { dockerBuild, type Docker } from './standins';
import type { Log } from './engine';

export const OVERRIDE_FILE = path.join(PROJECT_ROOT, 'deploy', 'compose', 'docker-compose.host.yml');
export const APP_IMAGE = 'vipps-temporal-orders:local';
export const EMULATOR_IMAGE = 'vipps-temporal-orders-emulator:local';

/** What the override puts on 127.0.0.1 (deploy/compose/docker-compose.host.yml). */
export const HOST_PORTS = {
  service: 27100,
  emulator: 27110,
  postgresql: 27132,
  temporalFrontend: 27133,
  temporalUi: 27180,
  codecServer: 27184,
  serviceMetrics: 27164,
  workerMetrics: [27165, 27166],
  all: [27100, 27110, 27132, 27133, 27134, 27135, 27136, 27137, 27138, 27139, 27140, 27141, 27142, 27143, 27150, 27151, 27152, 27153, 27154, 27164, 27165, 27166, 27180, 27184],
} as const;

/** Everything but Prometheus and Grafana, whose images have no stand-in here. */
export const SERVICES = [
  'postgresql', 'temporal-schema', 'temporal-frontend', 'temporal-matching', 'temporal-internal-worker', 'temporal-history-1', 'temporal-history-2',
  'temporal-setup', 'temporal-ui', 'emulator', 'webhook-register', 'worker', 'worker-2', 'service', 'codec-server',
] as const;
export type ServiceName = (typeof SERVICES)[number];
/** The long-running containers made from the project's images. */
export const APP_SERVICES: ServiceName[] = ['emulator', 'worker', 'worker-2', 'service', 'codec-server'];

/** The stages of a Dockerfile that `target` needs (itself and what it copies --from), in their order, as written. */
export function stagesFor(dockerfile: string, target: string): string {
  const stages = dockerfile.split(/^(?=FROM\s)/m);
  const header = /^FROM\s/.test(stages[0] ?? '') ? '' : stages.shift()!;
  const named = new Map(stages.map((text) => [/^FROM\s+\S+\s+AS\s+(\S+)/i.exec(text)?.[1] ?? '', text] as const));
  const need = new Set<string>();
  const visit = (name: string) => {
    const text = named.get(name);
    if (text === undefined) throw new Error(`the Dockerfile has no stage ${name}`);
    if (need.has(name)) return;
    need.add(name);
    for (const m of text.matchAll(/--from=(\S+)/g)) if (named.has(m[1]!)) visit(m[1]!);
  };
  visit(target);
  return header + stages.filter((text) => need.has(/^FROM\s+\S+\s+AS\s+(\S+)/i.exec(text)?.[1] ?? '')).join('');
}

const b64 = (n: number) => randomBytes(n).toString('base64');
const token = (n: number) => randomBytes(n).toString('hex');

/** Secrets of this run only: the stack never starts on the compose file's known defaults. */
export function freshSecrets(): Record<string, string> {
  return {
    POSTGRES_PASSWORD: token(16),
    ORDER_API_KEY: token(24),
    PII_SEALING_KEY: token(24),
    PAYLOAD_ENCRYPTION_KEYS: `compose-1:${b64(32)}`,
    REQUEST_FINGERPRINT_SECRET: token(24),
    CODEC_SERVER_TOKEN: token(24),
    CODEC_UI_KEY: token(24),
    GRAFANA_ADMIN_PASSWORD: token(16),
    DEMO_SHOP: 'false',
  };
}

export interface ContainerState {
  id: string;
  user: string;
  readOnly: boolean;
  networkMode: string;
  running: boolean;
  health?: string;
  restartCount: number;
  startedAt: string;
  stopTimeout?: number;
}

export class ComposeStack {
  readonly secrets = freshSecrets();

  constructor(
    private readonly docker: Docker,
    private readonly log: Log,
    readonly project = 'vipps-compose-test',
  ) {}

  private get env(): NodeJS.ProcessEnv {
    // vfs copies the whole image for each new container: creating one can outlast compose's 60 s default.
    return { ...this.docker.env, ...this.secrets, COMPOSE_HTTP_TIMEOUT: '900' };
  }

  private resolvedFile: string | undefined;

  /**
   * The base file with the override, as `docker-compose config` merges them, less the `ports` of the
   * host-networked services: compose v1 refuses published ports on host networking, and an override
   * can only add to a list. Written under .data/ (it holds this run's secrets), owner-only.
   */
  private async resolved(): Promise<string> {
    if (this.resolvedFile) return this.resolvedFile;
    const { stdout } = await run('docker-compose', ['--project-directory', PROJECT_ROOT, '-f', path.join(PROJECT_ROOT, 'docker-compose.yml'), '-f', OVERRIDE_FILE, 'config'], { env: this.env, cwd: PROJECT_ROOT });
    const config = parse(stdout) as { services: Record<string, { network_mode?: string; ports?: unknown }> };
    for (const service of Object.values(config.services)) if (service.network_mode === 'host') delete service.ports;
    const file = path.join(PROJECT_ROOT, '.data', 'compose-build', 'docker-compose.resolved.yml');
    await fs.mkdir(path.dirname(file), { recursive: true });
    // YAML 1.1 as compose reads it: a bare `no` would be false there.
    await fs.writeFile(file, stringify(config, { version: '1.1' }), { mode: 0o600 });
    this.resolvedFile = file;
    return file;
  }

  async compose(args: string[], timeoutMs = 10 * 60_000): Promise<RunResult> {
    return run('docker-compose', ['-p', this.project, '--project-directory', PROJECT_ROOT, '-f', await this.resolved(), ...args], { env: this.env, cwd: PROJECT_ROOT, timeoutMs });
  }

  docker_(args: string[], timeoutMs = 120_000): Promise<RunResult> {
    return run('docker', args, { env: this.docker.env, timeoutMs });
  }

  /**
   * The two images of the Dockerfile (`app`, the default last stage, and `emulator`), built at once;
   * seconds each took. The classic builder (no BuildKit here) would build every stage before the
   * target, so each gets a Dockerfile of the stages it needs, cut unchanged from the Dockerfile.
   */
  async buildImages(): Promise<{ app: number; emulator: number }> {
    const took = { app: 0, emulator: 0 };
    const source = await fs.readFile(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const dir = path.join(PROJECT_ROOT, '.data', 'compose-build');
    await fs.mkdir(dir, { recursive: true });
    const build = async (target: 'app' | 'emulator', tag: string) => {
      const file = path.join(dir, `Dockerfile.${target}`);
      await fs.writeFile(file, stagesFor(source, target));
      const t = Date.now();
      this.log(`docker build --target ${target} -t ${tag} .`);
      await dockerBuild(this.docker, ['-f', file, '--target', target, '-t', tag, PROJECT_ROOT]);
      took[target] = (Date.now() - t) / 1000;
      this.log(`built ${tag} in ${took[target].toFixed(0)} s`);
    };
    await Promise.all([build('app', APP_IMAGE), build('emulator', EMULATOR_IMAGE)]);
    return took;
  }

  async imageSize(tag: string): Promise<number> {
    const { stdout } = await this.docker_(['image', 'inspect', '--format', '{{.Size}}', tag]);
    return Number(stdout.trim());
  }

  async up(): Promise<void> {
    const busy: number[] = [];
    for (const port of HOST_PORTS.all) if (!(await canListen(port))) busy.push(port);
    if (busy.length) throw new Error(`ports ${busy.join(', ')} on 127.0.0.1 are in use; the compose stack needs 27100-27199 (another compose test running?)`);
    await this.compose(['up', '-d', '--no-build', ...SERVICES], 15 * 60_000);
  }

  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans', '-t', '30'], 5 * 60_000);
  }

  async containerId(service: ServiceName): Promise<string> {
    const { stdout } = await this.compose(['ps', '-q', service]);
    const id = stdout.trim().split('\n')[0];
    if (!id) throw new Error(`no container for ${service}`);
    return id;
  }

  async state(service: ServiceName): Promise<ContainerState> {
    const id = await this.containerId(service);
    const { stdout } = await this.docker_(['inspect', '--format', '{{json .}}', id]);
    const c = JSON.parse(stdout) as {
      Id: string;
      RestartCount: number;
      Config: { User: string; StopTimeout?: number };
      HostConfig: { ReadonlyRootfs: boolean; NetworkMode: string };
      State: { Running: boolean; StartedAt: string; Health?: { Status: string } };
    };
    return {
      id: c.Id,
      user: c.Config.User,
      readOnly: c.HostConfig.ReadonlyRootfs,
      networkMode: c.HostConfig.NetworkMode,
      running: c.State.Running,
      health: c.State.Health?.Status,
      restartCount: c.RestartCount,
      startedAt: c.State.StartedAt,
      stopTimeout: c.Config.StopTimeout,
    };
  }

  /** The user the container's main process runs as (`id -u` inside it). */
  async uid(service: ServiceName): Promise<number> {
    const { stdout } = await this.docker_(['exec', await this.containerId(service), 'id', '-u']);
    return Number(stdout.trim());
  }

  async waitHealthy(services: ServiceName[], timeoutMs = 5 * 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(services.map(async (s) => [s, (await this.state(s)).health] as const));
      const notYet = states.filter(([, h]) => h !== 'healthy');
      if (notYet.length === 0) return;
      if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs / 1000} s: ${notYet.map(([s, h]) => `${s} (${h ?? 'no healthcheck'})`).join(', ')}\n${await this.logs(notYet.map(([s]) => s))}`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }

  async logs(services: ServiceName[], lines = 40): Promise<string> {
    try {
      return (await this.compose(['logs', '--no-color', '--tail', String(lines), ...services])).stdout;
    } catch (err) {
      return (err as Error).message;
    }
  }

  kill(service: ServiceName): Promise<RunResult> {
    return this.compose(['kill', '-s', 'SIGKILL', service]);
  }

  /** `docker stop` (SIGTERM, then SIGKILL after the stop timeout); resolves with the seconds it took. */
  async stop(service: ServiceName): Promise<number> {
    const t = Date.now();
    await this.docker_(['stop', await this.containerId(service)], 5 * 60_000);
    return (Date.now() - t) / 1000;
  }

  async exitCode(service: ServiceName): Promise<number> {
    const { stdout } = await this.docker_(['inspect', '--format', '{{.State.ExitCode}}', await this.containerId(service)]);
    return Number(stdout.trim());
  }

  start(service: ServiceName): Promise<RunResult> {
    return this.compose(['start', service]);
  }

  restart(service: ServiceName): Promise<RunResult> {
    return this.compose(['restart', '-t', '10', service]);
  }
}
