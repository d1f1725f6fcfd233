// One long-running process of the cluster (a PostgreSQL server, a Temporal service, a worker): its
// output goes to a log file, it can be stopped gently, killed hard (the failover test) and started
// again with the same command. Each runs in its own process group, so a terminal's Ctrl-C reaches
// only the launcher, which then stops the parts in order (workers before Temporal before the database).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** Signal for a gentle stop: SIGINT is PostgreSQL's "fast shutdown"; others stop on SIGTERM too. */
  stopSignal?: NodeJS.Signals;
}

const live = new Set<ChildProcess>();
// If the launcher dies on an uncaught error, take the children along rather than leave orphans.
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export class ManagedChild {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private log: WriteStream | undefined;
  private recent = '';
  /** Called when the process ends without stop() or kill() having been asked for. */
  onUnexpectedExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  private expectingExit = false;

  constructor(readonly spec: ChildSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    await fs.mkdir(path.dirname(this.spec.logFile), { recursive: true });
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    this.log.write(`\n=== ${new Date().toISOString()} start ${this.spec.command} ${this.spec.args.join(' ')}\n`);
    this.expectingExit = false;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    live.add(child);
    const keep = (chunk: Buffer) => {
      this.log?.write(chunk);
      this.recent = (this.recent + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        keep(Buffer.from(`could not start: ${err.message}\n`));
        live.delete(child);
        resolve(null);
      });
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.log?.write(`=== ${new Date().toISOString()} exit code=${code} signal=${signal}\n`);
        if (!this.expectingExit) this.onUnexpectedExit?.(code, signal);
        resolve(code);
      });
    });
  }

  /** The last lines it printed, for error messages. */
  tail(lines = 25): string {
    return this.recent.trimEnd().split('\n').slice(-lines).join('\n') || '(no output)';
  }

  /** Sends the stop signal to its process group; SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return this.closeLog();
    this.expectingExit = true;
    killGroup(child, this.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Anything it left in its group (e.g. a helper it forked) goes too.
    killGroup(child, 'SIGKILL');
    await this.closeLog();
  }

  /** `kill -9` of the process group: no chance to clean up, as when a machine dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    killGroup(child, 'SIGKILL');
    await this.exited;
  }

  private async closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  }
}
