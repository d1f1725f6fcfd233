/**
 * Schemathesis fuzzes the running service from its own /openapi.json: the whole local stack
 * (Temporal dev server, emulator, worker, service with the demo shop), the API key sent on every
 * request. Every check but `positive_data_acceptance` runs: no 5xx, every status, media type,
 * header and body as documented, schema-violating input refused, undeclared methods answered 405,
 * auth enforced. (Positive acceptance cannot hold: a schema-valid order whose lines do not add up
 * to its amount is refused, and JSON Schema cannot say "adds up".) The coverage phase is left out:
 * on Python 3.11 it trips over a CPython AST bug inside Hypothesis ("AST constructor recursion
 * depth mismatch"). Fixed seed and example count: the same requests every run, about a minute.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { ensureSchemathesis } from '../../scripts/schemathesis';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(360_000);

const REPORTS = join(__dirname, '..', '..', 'artifacts', 'schemathesis');
const TIME_LIMIT_MS = 300_000;
let stack: LocalStack;

beforeAll(async () => {
  mkdirSync(REPORTS, { recursive: true });
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', DEMO_SHOP: 'true' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function schemathesis(binary: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Run in the reports folder: Schemathesis keeps its cache (.schemathesis/) where it runs.
    const child = spawn(binary, args, { cwd: REPORTS, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('Schemathesis finds no 5xx and no response the document does not describe', async () => {
  const binary = await ensureSchemathesis();
  const started = Date.now();
  const { code, output } = await schemathesis(binary, [
    'run',
    `${stack.serviceUrl}/openapi.json`,
    '--checks', 'all',
    '--exclude-checks', 'positive_data_acceptance',
    '--phases', 'examples,fuzzing,stateful',
    '--header', `Authorization: Bearer ${stack.apiKey}`,
    '--max-examples', '25',
    '--seed', '20261128',
    '--workers', '2',
    '--request-timeout', '30',
    '--report', 'junit',
    '--report-junit-path', join(REPORTS, 'junit.xml'),
  ]);
  const summary = output.slice(output.lastIndexOf('SUMMARY') - 40);
  console.log(`schemathesis: exit ${code} after ${Math.round((Date.now() - started) / 1000)} s\n${summary}`);
  if (code !== 0) throw new Error(`Schemathesis found problems (exit ${code}):\n${output.slice(-12_000)}`);
  expect(output).toMatch(/Tested: 1\d\b|Tested: [2-9]\d\b/);
});
