/**
 * `npm run test:production-shape`, the last test step of `npm test`: one production-shape test with
 * failover, on whichever production shape this machine can run.
 * - **compose** (`npm run compose:test`) where a Docker engine can run: as root (it installs and starts
 *   one), or when an engine answers (DOCKER_HOST, /var/run/docker.sock, or the compose test's own). It runs what operators deploy.
 * - **cluster** (`npm run test:cluster`) elsewhere: the same orders and ledger checks on Temporal's
 *   services started as plain processes (scripts/cluster/), which needs neither root nor Docker.
 * PRODUCTION_SHAPE_TEST=compose|cluster chooses; the choice and its reason are printed first.
 */
import { spawn } from 'node:child_process';
import { answeringEngine } from './compose/engine';

type Shape = 'compose' | 'cluster';

async function choose(): Promise<{ shape: Shape; why: string }> {
  const forced = process.env.PRODUCTION_SHAPE_TEST;
  if (forced !== undefined && forced !== '') {
    if (forced !== 'compose' && forced !== 'cluster') throw new Error(`PRODUCTION_SHAPE_TEST must be compose or cluster, not ${JSON.stringify(forced)}`);
    return { shape: forced, why: 'PRODUCTION_SHAPE_TEST' };
  }
  if (process.getuid?.() === 0) return { shape: 'compose', why: 'running as root: the compose test installs and starts a Docker engine itself' };
  const host = await answeringEngine();
  if (host) return { shape: 'compose', why: `the Docker engine at ${host} answers` };
  return { shape: 'cluster', why: 'no Docker engine answers and this is not root, so none can be started here' };
}

async function main(): Promise<number> {
  const { shape, why } = await choose();
  const script = shape === 'compose' ? 'compose:test' : 'test:cluster';
  console.log(`[production-shape] ${shape} (${why}): npm run ${script}`);
  const child = spawn('npm', ['run', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[production-shape] ${(err as Error).message}`);
    process.exit(1);
  },
);
