/**
 * The README's walk-through, run as it is written, twice, against a stack of its own: every
 * command between the walkthrough markers runs in one bash session, and what each prints must
 * match the `# → …` lines under it (`…` stands for anything; a leading number is the HTTP status
 * curl got). Only the ports differ from a fresh `npm start`: localhost:3000 and localhost:4010
 * become the free ports this stack took, and the Temporal CLI gets TEMPORAL_ADDRESS.
 * Also: docs/api.md's error table lists every error code the service sends, with its statuses.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { API_ERRORS } from '../../src/http/schemas/errors';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The error table lives in the API reference page. */
const API_DOC = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');

interface Step {
  commands: string[];
  expected: string[];
}

/** The walk-through's shell block, cut into steps: the commands up to each group of `# →` lines. */
export function walkthroughSteps(readme: string): Step[] {
  const start = readme.indexOf('<!-- walkthrough:start -->');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no walkthrough markers');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end))?.[1];
  if (!block) throw new Error('no ```sh block between the walkthrough markers');
  const steps: Step[] = [];
  let current: Step = { commands: [], expected: [] };
  for (const line of block.split('\n')) {
    const expectation = /^# → (.*)$/.exec(line);
    if (expectation) {
      current.expected.push(expectation[1]!);
      continue;
    }
    if (current.expected.length > 0) {
      steps.push(current);
      current = { commands: [], expected: [] };
    }
    current.commands.push(line);
  }
  if (current.expected.length > 0 || current.commands.some((c) => c.trim() !== '')) steps.push(current);
  return steps;
}

/** `…` is anything, runs of spaces are any whitespace, the rest is literal. */
function pattern(expected: string): RegExp {
  const parts = expected.trim().split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return new RegExp(parts.join('[\\s\\S]*?'));
}

async function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

let stack: LocalStack;

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startLocalStack({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, ephemeralPorts: true, overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

test('the walk-through has steps, each with what it prints', () => {
  const steps = walkthroughSteps(README);
  expect(steps.length).toBeGreaterThanOrEqual(10);
  for (const step of steps.slice(1)) expect(step.commands.join('\n')).toMatch(/curl|npm run/);
});

test('the README walk-through runs as documented, and again', async () => {
  const port = (url: string | undefined) => new URL(url!).port;
  const onThisStack = (text: string) => text.replace(/localhost:3000/g, `localhost:${port(stack.serviceUrl)}`).replace(/localhost:4010/g, `localhost:${port(stack.emulatorUrl)}`);
  const steps = walkthroughSteps(onThisStack(README));
  // curl prints the status on stderr, marked, so the commands' own output (and pipes) stay as written.
  const script = [
    'set -u',
    `curl() { command curl -w '%{stderr}@@status %{http_code}\\n' "$@"; }`,
    ...steps.flatMap((s, i) => [`echo "@@step ${i}"; echo "@@step ${i}" >&2`, ...s.commands, 'echo']),
  ].join('\n');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_NAMESPACE: stack.namespace };
  for (const run of [1, 2]) {
    const { stdout, stderr, code } = await bash(script, env);
    expect({ run, code, stderr: stderr.split('\n').filter((l) => !l.startsWith('@@')).join('\n') }).toEqual({ run, code: 0, stderr: '' });
    const outputs = stdout.split(/^@@step \d+\n/m).slice(1);
    const statuses = stderr.split(/^@@step \d+\n/m).slice(1);
    steps.forEach((step, i) => {
      const out = outputs[i] ?? '';
      const status = /@@status (\d{3})\s*$/.exec(statuses[i] ?? '')?.[1];
      for (const expected of step.expected) {
        const [, wantStatus, rest] = /^(?:(\d{3}) )?(.*)$/.exec(expected)!;
        expect({ run, step: i, status: wantStatus && status }).toEqual({ run, step: i, status: wantStatus });
        if (!pattern(rest!).test(out)) throw new Error(`run ${run}, step ${i}: expected output matching\n  ${rest}\nbut got\n  ${out.slice(0, 1500)}`);
      }
    });
  }
});

test('docs/api.md lists every error code with its statuses', () => {
  const table = API_DOC.slice(API_DOC.indexOf('| `error` | HTTP |'));
  for (const [code, { status }] of Object.entries(API_ERRORS)) {
    const row = table.split('\n').find((l) => l.includes(`\`${code}\``));
    expect({ code, row: row !== undefined }).toEqual({ code, row: true });
    for (const s of status) expect({ code, status: s, listed: row!.includes(String(s)) }).toEqual({ code, status: s, listed: true });
  }
});
