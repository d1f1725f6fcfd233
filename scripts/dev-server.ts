// Starts `temporal server start-dev` as a child process and hands back its address once it serves
// the namespace with our search attributes. Used by `npm run temporal` and the local-stack runner.
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ORDER_SEARCH_ATTRIBUTES } from '../src/workflows/messages/searchAttributes';
import { isListening } from './ports';
import { errorMessage, run, tail } from './process';
import { ensureSearchAttributes, searchAttributeFlags, type SearchAttributeSpec } from './search-attributes';
import { ensureTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** Temporal CLI binary; installed via ensureTemporalCli() when omitted. */
  binary?: string;
  ip?: string;
  port?: number;
  /** Defaults to port + 1000, as the CLI does. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file to persist state in; in-memory when undefined. */
  dbFile?: string;
  /** Serve the server's Prometheus metrics (its billable `action` counter among them) on this port. */
  metricsPort?: number;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  searchAttributes?: readonly SearchAttributeSpec[];
  /** The UI decodes payloads through this codec server endpoint (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** Copy the server's own log to our stdout/stderr (default) or keep it quiet. */
  output?: 'inherit' | 'ignore';
  readyTimeoutMs?: number;
  /**
   * Stops the server when aborted, also while it is still starting. If the reason is a signal name
   * (e.g. 'SIGINT') that signal is forwarded, else SIGTERM.
   */
  stopSignal?: AbortSignal;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  pid: number;
  /** Search attributes that had to be created after start (only on a DB made before they existed). */
  createdSearchAttributes: string[];
  /** Resolves with the exit code (null if killed by a signal) once the server process has ended. */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default), escalates to SIGKILL after 15 s, resolves once it is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

type ResolvedOptions = Required<Omit<DevServerOptions, 'binary' | 'dbFile' | 'stopSignal' | 'metricsPort' | 'uiCodecEndpoint'>> &
  Pick<DevServerOptions, 'dbFile' | 'metricsPort' | 'uiCodecEndpoint'>;

export function resolveDevServerOptions(options: DevServerOptions = {}): ResolvedOptions {
  const port = options.port ?? 7233;
  return {
    ip: options.ip ?? '127.0.0.1',
    port,
    uiPort: options.uiPort ?? port + 1000,
    headless: options.headless ?? false,
    dbFile: options.dbFile === undefined ? undefined : path.resolve(options.dbFile),
    metricsPort: options.metricsPort,
    uiCodecEndpoint: options.uiCodecEndpoint,
    namespace: options.namespace ?? 'default',
    logLevel: options.logLevel ?? 'warn',
    searchAttributes: options.searchAttributes ?? ORDER_SEARCH_ATTRIBUTES,
    output: options.output ?? 'inherit',
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
  };
}

export function devServerArgs(o: ResolvedOptions): string[] {
  return [
    'server', 'start-dev',
    '--ip', o.ip,
    '--port', String(o.port),
    ...(o.headless ? ['--headless'] : ['--ui-port', String(o.uiPort)]),
    ...(!o.headless && o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
    '--namespace', o.namespace,
    '--log-level', o.logLevel,
    // No phoning home to version-info.temporal.io: there is no internet, and it only adds log noise.
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    // WAL lets the UI and CLI read while the server writes, and survives a killed process better.
    ...(o.dbFile === undefined ? [] : ['--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=WAL']),
    ...(o.metricsPort === undefined ? [] : ['--metrics-port', String(o.metricsPort)]),
    ...searchAttributeFlags(o.searchAttributes),
  ];
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const o = resolveDevServerOptions(options);
  const binary = options.binary ?? (await ensureTemporalCli());
  const address = hostPort(o.ip, o.port);
  const uiUrl = o.headless ? undefined : `http://${hostPort(o.ip, o.uiPort)}`;

  // Otherwise the readiness probe could succeed against some other server holding the port.
  for (const port of o.headless ? [o.port] : [o.port, o.uiPort]) {
    if (await isListening(port, o.ip)) throw new Error(`${hostPort(o.ip, port)} is already in use (another Temporal server?); stop it or pick other ports.`);
  }
  if (o.dbFile !== undefined) await fs.mkdir(path.dirname(o.dbFile), { recursive: true });

  // Same process group on purpose: a terminal Ctrl-C or hang-up reaches the server even while we are
  // still starting it; the extra forwarded signal is harmless (the CLI shuts down gracefully either way).
  const child = spawn(binary, devServerArgs(o), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  });
  const logTail = captureOutput(child, o.output === 'inherit');
  let ended = false;
  const alive = () => !ended;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // E.g. a binary that cannot be executed: there is no 'exit' then, and an unhandled 'error' would crash us.
    child.once('error', (err) => {
      process.stderr.write(`Could not run ${binary}: ${err.message}\n`);
      resolve(null);
    });
  }).finally(() => (ended = true));
  // Last resort if our process exits without stopping the server (e.g. an uncaught exception).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const stop = stopper(child, alive, exited);
  options.stopSignal?.addEventListener('abort', () => void stop(signalFrom(options.stopSignal?.reason)), { once: true });
  if (options.stopSignal?.aborted) void stop(signalFrom(options.stopSignal.reason));

  try {
    await raceWithExit(exited, alive, logTail, waitUntilReady(binary, o, address, alive));
    const createdSearchAttributes = await ensureSearchAttributes(binary, address, o.namespace, o.searchAttributes);
    return { address, namespace: o.namespace, uiUrl, pid: child.pid ?? -1, createdSearchAttributes, exited, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntilReady(binary: string, o: ResolvedOptions, address: string, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + o.readyTimeoutMs;
  let lastError = 'gRPC port not open';
  // Stops polling once the process is gone; raceWithExit reports that case.
  while (alive()) {
    if (await isListening(o.port, o.ip)) {
      try {
        await run(binary, ['operator', 'namespace', 'describe', '--address', address, '--namespace', o.namespace, '-o', 'json'], { timeoutMs: 10_000 });
        break;
      } catch (err) {
        lastError = errorMessage(err);
      }
    }
    if (Date.now() > deadline) throw new Error(`Temporal dev server at ${address} did not answer within ${o.readyTimeoutMs} ms: ${lastError}`);
    await delay(200);
  }
  while (alive() && !o.headless && !(await isListening(o.uiPort, o.ip))) {
    if (Date.now() > deadline) throw new Error(`Temporal UI on port ${o.uiPort} did not come up within ${o.readyTimeoutMs} ms`);
    await delay(200);
  }
}

/** Fails fast with the server's own last log lines if it dies while we wait for it. */
async function raceWithExit(exited: Promise<number | null>, alive: () => boolean, logTail: () => string, ready: Promise<void>): Promise<void> {
  const died = exited.then((code) => {
    throw new Error(`Temporal dev server exited (code ${code}) before it was ready. Its last output:\n${logTail()}`);
  });
  await Promise.race([ready, died]);
  // waitUntilReady also returns when the process is gone; report that rather than a later RPC error.
  if (!alive()) await died;
}

function stopper(child: ChildProcess, alive: () => boolean, exited: Promise<number | null>): (signal?: NodeJS.Signals) => Promise<number | null> {
  let stopping: Promise<number | null> | undefined;
  return (signal = 'SIGTERM') => {
    if (!alive()) return exited;
    stopping ??= (async () => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
}

function signalFrom(reason: unknown): NodeJS.Signals {
  return typeof reason === 'string' && /^SIG[A-Z0-9]+$/.test(reason) ? (reason as NodeJS.Signals) : 'SIGTERM';
}

function captureOutput(child: ChildProcess, forward: boolean): () => string {
  let recent = '';
  const keep = (chunk: Buffer, sink: NodeJS.WriteStream) => {
    if (forward) sink.write(chunk);
    recent = (recent + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
  return () => tail(recent, 30) || '(no output)';
}


function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
