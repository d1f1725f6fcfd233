import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { loadEmulatorConfig, startEmulator } from '@vipps-orders/vipps-emulator';

/**
 * Throughput of the emulator for createPayment + getPayment pairs over keep-alive HTTP.
 *
 *   npm run bench:emulator                       # in-process emulator, 5000 pairs, concurrency 32
 *   npm run bench:emulator -- -n 20000 -c 64
 *   npm run bench:emulator -- --url http://localhost:4010   # against a running emulator
 *
 * Prints requests/second, latency percentiles per request kind, and memory. With --url the RSS
 * is this client's own; the emulator's payment count still comes from /_emulator/health.
 * This is a script to run by hand, never a timed test.
 */

interface Options {
  url?: string;
  pairs: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { pairs: 5000, concurrency: 32 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--url' && value) options.url = value.replace(/\/+$/, '');
    else if ((arg === '-n' || arg === '--requests') && value) options.pairs = Number(value);
    else if ((arg === '-c' || arg === '--concurrency') && value) options.concurrency = Number(value);
    else throw new Error(`unknown argument ${arg}; use --url <url> -n <pairs> -c <concurrency>`);
    i++;
  }
  if (!Number.isInteger(options.pairs) || options.pairs < 1) throw new Error('-n must be a positive integer');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('-c must be a positive integer');
  return options;
}

interface Response {
  status: number;
  body: string;
}

function makeClient(baseUrl: string, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const base = new URL(baseUrl);
  return {
    agent,
    send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: base.hostname, port: base.port, method, path, agent, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function describe(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(2).padStart(7);
  return `${label.padEnd(8)} p50 ${fmt(percentile(sorted, 50))} ms  p95 ${fmt(percentile(sorted, 95))} ms  p99 ${fmt(percentile(sorted, 99))} ms  max ${fmt(sorted.at(-1) ?? NaN)} ms`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const config = loadEmulatorConfig({ ...process.env, EMULATOR_LOG_LEVEL: process.env.EMULATOR_LOG_LEVEL ?? 'warn' }, { port: 0 });
  const running = options.url ? undefined : await startEmulator(config);
  const baseUrl = options.url ?? running?.url ?? '';
  const client = makeClient(baseUrl, options.concurrency);

  const tokenResponse = await client.send('POST', '/accesstoken/get', {
    client_id: config.credentials.clientId,
    client_secret: config.credentials.clientSecret,
    'Ocp-Apim-Subscription-Key': config.credentials.subscriptionKey,
  });
  if (tokenResponse.status !== 200) throw new Error(`access token: HTTP ${tokenResponse.status}`);
  const token = (JSON.parse(tokenResponse.body) as { access_token: string }).access_token;
  const headers = {
    Authorization: `Bearer ${token}`,
    'Ocp-Apim-Subscription-Key': config.credentials.subscriptionKey,
    'Merchant-Serial-Number': config.credentials.msn,
  };

  const runId = Date.now().toString(36);
  const createLatency: number[] = [];
  const getLatency: number[] = [];
  let errors = 0;
  let next = 0;

  const worker = async () => {
    for (let i = next++; i < options.pairs; i = next++) {
      const reference = `bench-${runId}-${i}`;
      const body = JSON.stringify({
        amount: { currency: config.currency, value: 10_000 + (i % 1000) },
        paymentMethod: { type: 'WALLET' },
        reference,
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://shop.example/return',
        paymentDescription: 'Benchmark payment',
      });
      let started = performance.now();
      const created = await client.send('POST', '/epayment/v1/payments', { ...headers, 'Idempotency-Key': `create-${reference}` }, body);
      createLatency.push(performance.now() - started);
      if (created.status !== 201) errors++;
      started = performance.now();
      const fetched = await client.send('GET', `/epayment/v1/payments/${reference}`, headers);
      getLatency.push(performance.now() - started);
      if (fetched.status !== 200) errors++;
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;

  const health = JSON.parse((await client.send('GET', '/_emulator/health', {})).body) as { payments: number };
  const requests = createLatency.length + getLatency.length;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    [
      `Emulator: ${baseUrl} (${running ? 'in-process' : 'external'}); ${options.pairs} create+get pairs, concurrency ${options.concurrency}, keep-alive`,
      `Requests: ${requests} in ${seconds.toFixed(2)} s = ${(requests / seconds).toFixed(0)} requests/s (${(options.pairs / seconds).toFixed(0)} pairs/s); errors: ${errors}`,
      describe('create', createLatency),
      describe('get', getLatency),
      describe('all', [...createLatency, ...getLatency]),
      `Memory: RSS ${rssMb.toFixed(0)} MB (${running ? 'emulator and client' : 'client only'}); payments held by the emulator: ${health.payments}`,
    ].join('\n'),
  );

  client.agent.destroy();
  await running?.close();
  if (errors > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
