/**
 * `npm run build [-- --out-dir <dir>]`: everything the production image runs, in lib/ by default.
 *
 *   lib/*.js, lib/<folder>/*.js              the app (tsc -p tsconfig.build.json)
 *   lib/node_modules/@vipps-orders/vipps/    the Vipps client, compiled, with a manifest whose
 *                                            exports point at that JavaScript
 *   lib/workflow-bundle.js                   the prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH)
 *
 * In the checkout the workspace packages export their TypeScript sources, which tsx, jest and the
 * workflow bundler read directly. Plain Node cannot, so the client is compiled into lib/'s own
 * node_modules: Node looks there first when lib/*.js requires @vipps-orders/vipps, so the built
 * app needs neither tsx nor the workspace link. The emulator is a test double and is never part of
 * this output (test/deploy/buildOutput.test.ts checks that).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { currentTracing } from '../src/observability/tracing';
import { errorMessage } from './process';

const ROOT = path.join(__dirname, '..');
const TSC = require.resolve('typescript/bin/tsc');

/** The workspace packages the app needs at run time, compiled into the output's node_modules. */
const RUNTIME_PACKAGES = ['packages/vipps'];

interface PackageManifest {
  name: string;
  version: string;
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** tsc prints its errors on stdout, so it gets the terminal. */
function tsc(project: string, outDir: string): void {
  const result = spawnSync(process.execPath, [TSC, '-p', project, '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc -p ${project} failed`);
}

/** `./src/x/index.ts` → `./dist/x/index.js` (with its declarations), for every export of the package. */
type ExportTarget = string | { types: string; default: string };

function compiledExports(exports: Record<string, string>): Record<string, ExportTarget> {
  return Object.fromEntries(
    Object.entries(exports).map(([subpath, target]): [string, ExportTarget] => {
      const source = /^\.\/src\/(.+)\.ts$/.exec(target);
      if (!source) return [subpath, target];
      return [subpath, { types: `./dist/${source[1]}.d.ts`, default: `./dist/${source[1]}.js` }];
    }),
  );
}

async function buildRuntimePackage(packageDir: string, outDir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(ROOT, packageDir, 'package.json'), 'utf8')) as PackageManifest;
  const target = path.join(outDir, 'node_modules', ...manifest.name.split('/'));
  tsc(path.join(packageDir, 'tsconfig.build.json'), path.join(target, 'dist'));
  // Only what Node needs to load it: the dev dependencies (the emulator, for the client's tests) stay behind.
  const runtime = {
    name: manifest.name,
    version: manifest.version,
    private: true,
    license: manifest.license,
    exports: compiledExports(manifest.exports),
    dependencies: manifest.dependencies ?? {},
  };
  await writeFile(path.join(target, 'package.json'), `${JSON.stringify(runtime, null, 2)}\n`);
  return manifest.name;
}

async function buildWorkflowBundle(outDir: string): Promise<number> {
  // With the OpenTelemetry workflow interceptors: whether spans are exported is decided at run time (OTEL_*).
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), plugins: [currentTracing().temporalPlugin] });
  await writeFile(path.join(outDir, 'workflow-bundle.js'), code);
  return code.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'lib' } } });
  const outDir = path.resolve(ROOT, values['out-dir']);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  for (const dir of RUNTIME_PACKAGES) console.log(`package: ${await buildRuntimePackage(dir, outDir)}`);
  tsc('tsconfig.build.json', outDir);
  console.log(`app: ${path.relative(ROOT, outDir) || '.'}/`);
  const size = await buildWorkflowBundle(outDir);
  console.log(`workflow bundle: ${path.relative(ROOT, path.join(outDir, 'workflow-bundle.js'))} (${(size / 1024).toFixed(0)} KiB)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`build failed: ${errorMessage(err)}`);
    process.exit(1);
  });
}
