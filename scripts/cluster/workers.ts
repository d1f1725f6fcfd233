// Our order workers as separate processes (`src/worker.ts`, the production entry point), all running
// one prebuilt workflow bundle so that N workers do not bundle N times.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { currentTracing } from '../../src/observability/tracing';
import { PROJECT_ROOT } from '../temporal-cli';
import { type ChildSpec, type ManagedChild } from './child';

type Env = Record<string, string | undefined>;

const quietBundlerLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/** Bundles the current workflow code once; returns the file the workers (and the replay check) load. */
export async function writeWorkflowBundle(file: string): Promise<string> {
  // With the tracing interceptors, as npm run build makes it: OTEL_* decide at run time whether spans leave.
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietBundlerLogger, plugins: [currentTracing().temporalPlugin] });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, code);
  return file;
}

export function workerSpec(opts: { index: number; temporalAddress: string; namespace: string; vippsBaseUrl: string; bundlePath: string; logDir: string; env: Env }): ChildSpec {
  const name = `worker-${opts.index + 1}`;
  return {
    name,
    // node --import tsx: one process, so a SIGKILL hits the worker itself and not just a wrapper.
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'worker.ts')],
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...opts.env,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: opts.namespace,
      VIPPS_BASE_URL: opts.vippsBaseUrl,
      WORKFLOW_BUNDLE_PATH: opts.bundlePath,
      // Several workers on one machine would share the default metrics port.
      WORKER_METRICS_PORT: 'off',
    },
    logFile: path.join(opts.logDir, `${name}.log`),
  };
}

/** A worker is ready once the server lists it (by the SDK's default identity, pid@host) as a poller. */
export async function waitForPoller(client: Client, taskQueue: string, worker: ManagedChild, timeoutMs = 90_000): Promise<void> {
  const identity = `${worker.pid}@${os.hostname()}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!worker.running) throw new Error(`${worker.spec.name} exited while starting:\n${worker.tail()}`);
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((pollers ?? []).some((p) => p.identity === identity)) return;
    if (Date.now() > deadline) throw new Error(`${worker.spec.name} (${identity}) did not poll ${taskQueue} within ${timeoutMs / 1000} s:\n${worker.tail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
