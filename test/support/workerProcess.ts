/**
 * The real worker (`src/worker.ts`) as a child process, so a test can kill it the hard way
 * (`kill -9`, as a crashed machine would) and start another. It loads a prebuilt workflow bundle,
 * so a restart takes a second or two instead of a webpack build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';

let bundlePath: Promise<string> | undefined;

/** Builds the workflow bundle once per process and returns its file. */
export function prebuiltBundle(): Promise<string> {
  bundlePath ??= (async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(PROJECT_ROOT, 'src', 'workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'order-bundle-')), 'workflow-bundle.js');
    writeFileSync(file, code);
    return file;
  })();
  return bundlePath;
}

export interface WorkerProcess {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export async function startWorkerProcess(env: Record<string, string | undefined>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'worker.ts')], {
    cwd: PROJECT_ROOT,
    // Readiness is its "worker running" line, so at least info (a stack's env may say silent).
    env: { PATH: process.env.PATH, HOME: process.env.HOME, WORKFLOW_BUNDLE_PATH: await prebuiltBundle(), ...env, LOG_LEVEL: env.LOG_LEVEL && env.LOG_LEVEL !== 'silent' ? env.LOG_LEVEL : 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('"worker running"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    pid: child.pid!,
    exited,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
