/**
 * The production image holds no emulator code. Its code is what `npm run build` writes (the
 * Dockerfile's last stage copies lib/ and the pruned node_modules from the `build` stage), so this
 * builds into a temporary directory and checks the files, then checks the Dockerfile's stages.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../scripts/process';

const ROOT = join(__dirname, '..', '..');

/** What would show that emulator code got in: its package name or its folder. */
const EMULATOR_MARKERS = ['@vipps-orders/vipps-emulator', 'packages/vipps-emulator', 'src/emulator/'];

describe('npm run build', () => {
  let out: string;
  let files: string[];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'vipps-orders-build-'));
    await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/build.ts', '--out-dir', out], { cwd: ROOT, timeoutMs: 240_000 });
    const entries = await readdir(out, { recursive: true, withFileTypes: true });
    files = entries.filter((e) => e.isFile()).map((e) => relative(out, join(e.parentPath, e.name)));
  }, 300_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  test('writes the app, the compiled Vipps client and the workflow bundle', () => {
    for (const file of ['worker.js', 'server.js', 'codecServer.js', 'registerWebhook.js', 'starter.js', 'workflow-bundle.js', 'workflows/index.js']) expect(files).toContain(file);
    for (const file of ['package.json', 'dist/index.js', 'dist/schemas/index.js']) expect(files).toContain(`node_modules/@vipps-orders/vipps/${file}`);
  });

  test('the workflow bundle carries the OpenTelemetry workflow interceptors (OTEL_* switch tracing on at run time)', async () => {
    expect(await readFile(join(out, 'workflow-bundle.js'), 'utf8')).toContain('OpenTelemetryInboundInterceptor');
  });

  test('no file is, or mentions, the emulator', async () => {
    expect(files.filter((f) => /emulator/i.test(f))).toEqual([]);
    const mentions: string[] = [];
    for (const file of files) {
      const text = await readFile(join(out, file), 'utf8');
      for (const marker of EMULATOR_MARKERS) if (text.includes(marker)) mentions.push(`${file}: ${marker}`);
    }
    expect(mentions).toEqual([]);
  });

  test('the workflow bundle has the keys and constants of the Vipps client, but neither its wire schemas nor its HTTP client', async () => {
    // Every cached workflow gets its own copy of the bundle's modules: the wire schemas cost about
    // 1.4 MB per cached order and the workflow never parses Vipps answers (activities do).
    const bundle = await readFile(join(out, 'workflow-bundle.js'), 'utf8');
    expect(bundle).toContain('packages/vipps/src/operationKeys.ts');
    expect(bundle).toContain('packages/vipps/src/schemas/constants.ts');
    expect(bundle).not.toContain('packages/vipps/src/schemas/epayment.ts');
    expect(bundle).not.toMatch(/node_modules\/axios\//);
    expect(bundle).not.toContain('packages/vipps/src/client.ts');
  });

  test('plain node runs it: @vipps-orders/vipps resolves to the compiled copy, not the TypeScript sources', async () => {
    // Third-party modules come from the checkout's node_modules (in the image: /app/node_modules).
    const script = `
      for (const entry of ['worker.js', 'registerWebhook.js', 'http/app.js']) require(${JSON.stringify(out)} + '/' + entry);
      console.log(require.resolve('@vipps-orders/vipps', { paths: [${JSON.stringify(out)}] }));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: out, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
    expect(stdout.trim()).toBe(join(out, 'node_modules', '@vipps-orders', 'vipps', 'dist', 'index.js'));
  });
});

interface Stage {
  name: string;
  lines: string[];
}

/** The Dockerfile's stages, each with its instructions (comments and continuation lines joined). */
async function dockerfileStages(): Promise<Stage[]> {
  const text = (await readFile(join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? `stage${stages.length}`, lines: [] });
    stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  test('the production image (last stage) is made only from stages that never copy emulator files', async () => {
    const stages = await dockerfileStages();
    const byName = new Map(stages.map((s) => [s.name, s]));
    const production = stages.at(-1)!;
    expect(production.name).toBe('app');
    expect(production.lines.at(-1)).toMatch(/^CMD \["node", "lib\/server\.js"\]$/);

    // The stages its files come from (COPY --from), transitively.
    const used = new Set<string>();
    const visit = (stage: Stage) => {
      if (used.has(stage.name)) return;
      used.add(stage.name);
      for (const line of stage.lines) {
        const source = /--from=(\S+)/.exec(line)?.[1];
        if (source) visit(byName.get(source)!);
      }
    };
    visit(production);
    expect([...used].sort()).toEqual(['app', 'build']);
    for (const name of used) expect(byName.get(name)!.lines.filter((l) => /emulator/i.test(l))).toEqual([]);
  });

  test('the emulator has a stage of its own, which the production image does not use', async () => {
    const emulator = (await dockerfileStages()).find((s) => s.name === 'emulator');
    expect(emulator?.lines.some((l) => l.startsWith('CMD') && l.includes('packages/vipps-emulator/bin/vipps-emulator.js'))).toBe(true);
  });
});
