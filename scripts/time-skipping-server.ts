// Installs and starts Temporal's time-skipping test server (the Java one, `io.temporal:temporal-test-
// server` from Maven Central) for tests whose orders wait days. The dev server cannot skip time, and
// the SDK's own download of the native build needs the internet (docs/temporal.md §1.3).
//
// Installed on first use into `.tools/temporal-test-server/<version>/` with Maven, like
// scripts/temporal-cli.ts installs the CLI: a throw-away pom, `dependency:copy-dependencies`, the
// server jar checked against a pinned sha256, and an atomic rename into place.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isListening } from './ports';
import { run } from './process';

export const TEST_SERVER_VERSION = '1.38.0';
// sha256 of temporal-test-server-1.38.0.jar as Maven Central served it on 2026-12-02.
const SERVER_JAR_SHA256 = 'c6c813bbee46dcdc9df5a018fe6ed4caaf79b0c3c9511a3dd6275232a6d8538e';
const PROJECT_ROOT = path.resolve(__dirname, '..');
const INSTALL_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal-test-server', TEST_SERVER_VERSION);
const START_TIMEOUT_MS = 90_000;

type Log = (line: string) => void;

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** The folder of the server's jars (its whole runtime classpath), installing it if needed. */
export async function ensureTimeSkippingServer(log: Log = (l) => console.error(l)): Promise<string> {
  const lib = path.join(INSTALL_DIR, 'lib');
  if (await exists(path.join(INSTALL_DIR, 'installed'))) return lib;
  log(`Installing io.temporal:temporal-test-server ${TEST_SERVER_VERSION} with Maven into ${INSTALL_DIR}`);
  const work = path.join(os.tmpdir(), `tts-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(work, { recursive: true });
  try {
    await fs.writeFile(
      path.join(work, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>tts</artifactId><version>1</version>
<dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${TEST_SERVER_VERSION}</version></dependency></dependencies>
</project>\n`,
    );
    const staged = path.join(work, 'out');
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${path.join(staged, 'lib')}`], { cwd: work, timeoutMs: 600_000 });
    const jar = path.join(staged, 'lib', `temporal-test-server-${TEST_SERVER_VERSION}.jar`);
    const actual = await sha256(jar);
    if (actual !== SERVER_JAR_SHA256) throw new Error(`temporal-test-server jar has sha256 ${actual}, expected ${SERVER_JAR_SHA256}: refusing it`);
    await fs.writeFile(path.join(staged, 'installed'), `${TEST_SERVER_VERSION}\n`);
    await fs.mkdir(path.dirname(INSTALL_DIR), { recursive: true });
    // Another process may have finished first: its copy is as good as ours.
    await fs.rename(staged, INSTALL_DIR).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await exists(path.join(INSTALL_DIR, 'installed')))) throw err;
    });
    return lib;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

export interface RunningTimeSkippingServer {
  port: number;
  /** A program that only waits: `createTimeSkipping` may "start" it against the running server. */
  attachExecutable: string;
  stop(): Promise<void>;
}

/**
 * Starts the server on a free port and waits until it accepts connections. Started here rather than
 * by the SDK because the SDK gives a server 5 s to bind, and a JVM on a busy 2-core machine can take
 * longer; the SDK is then pointed at `attachExecutable` on the same port.
 */
export async function startTimeSkippingServer(log: Log = (l) => console.error(l)): Promise<RunningTimeSkippingServer> {
  const lib = await ensureTimeSkippingServer(log);
  const port = await freePort();
  const child: ChildProcess = spawn('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx512m', '-cp', `${lib}${path.sep}*`, 'io.temporal.testserver.TestServer', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test run that exits without its afterAll (a timeout, Ctrl-C) must not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const started = Date.now();
  while (!(await isListening(port))) {
    if (child.exitCode !== null) throw new Error(`the time-skipping server exited (${child.exitCode}): ${stderr}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`the time-skipping server did not listen on ${port} within ${START_TIMEOUT_MS} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const attachExecutable = path.join(INSTALL_DIR, 'attach.sh');
  if (!(await exists(attachExecutable))) {
    const tmp = `${attachExecutable}.${randomBytes(4).toString('hex')}`;
    await fs.writeFile(tmp, '#!/bin/sh\n# Stands in for the server the test setup already started on this port.\nexec sleep 2147483647\n', { mode: 0o755 });
    await fs.rename(tmp, attachExecutable);
  }
  return {
    port,
    attachExecutable,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
