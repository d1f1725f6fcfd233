/**
 * Runs model cases on the real thing: a Temporal dev server, the Vipps emulator, the HTTP service,
 * and the worker as a child process that is killed with SIGKILL and restarted. Everything goes
 * through the public order API and the emulator's control API.
 */
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

/** Timings that keep a case within seconds: payments expire in 4 s, unknown outcomes are retried within a second. */
export const MODEL_ENV = {
  ORDER_POLL_INITIAL_SECONDS: '1',
  ORDER_POLL_MAX_SECONDS: '1',
  EMULATOR_PAYMENT_EXPIRY_SECONDS: '4',
  EMULATOR_WEBHOOK_RETRY_SCHEDULE_MS: '100,200,400,800',
  VIPPS_TIMEOUT_MS: '1500',
  WORKER_STICKY_QUEUE_TIMEOUT_SECONDS: '2',
  LOG_LEVEL: 'silent',
  EMULATOR_LOG_LEVEL: 'silent',
} as const;

export const MODEL_POLICY = {
  paymentExpiryMs: 4_000,
  expiryGraceMs: 1_500,
  callRetryWindowMs: 3_000,
  unknownRetryBaseMs: 150,
} as const;

export class ModelHarness {
  stack!: LocalStack;
  private worker: WorkerProcess | undefined;
  kills = 0;

  /** `salesUnits: false`: one unit from the VIPPS_* variables, for scripts that use the unprefixed routes. */
  constructor(private readonly options: { salesUnits?: boolean } = {}) {}

  async start(): Promise<void> {
    quietTemporalLogs();
    this.stack = await startLocalStack({
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      ephemeralPorts: true,
      inProcessWorker: false,
      // Three sales units (no NOK, dk DKK, fi EUR capturing in full): orders are drawn across them.
      overrides: { ...MODEL_ENV, ...(this.options.salesUnits !== false && { SALES_UNITS_FILE: join(__dirname, '..', '..', 'deploy', 'sales-units.example.yaml') }) },
      policy: MODEL_POLICY,
    });
    this.worker = await startWorkerProcess(this.stack.workerEnv);
  }

  /** A crash, not a shutdown: the worker gets no chance to finish what it was doing. */
  async killWorker(): Promise<void> {
    await this.worker?.kill('SIGKILL');
    this.kills++;
    this.worker = await startWorkerProcess(this.stack.workerEnv);
  }

  async stop(): Promise<void> {
    await this.worker?.kill('SIGTERM');
    await this.stack?.stop();
  }

  async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.stack.serviceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.stack.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
  }

  async emulator<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.stack.emulatorUrl}/_emulator${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400 && res.status !== 409) throw new Error(`emulator ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
