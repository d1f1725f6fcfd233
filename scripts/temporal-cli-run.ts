/**
 * `npm run temporal:cli -- <args>`: the pinned Temporal CLI (installed into .tools/ on first use),
 * so the README's `temporal …` commands work without it on PATH. It talks to TEMPORAL_ADDRESS
 * (default localhost:7233, the dev server of `npm start`) like the CLI itself.
 */
import { spawn } from 'node:child_process';
import { ensureTemporalCli } from './temporal-cli';

async function main(): Promise<number> {
  const binary = await ensureTemporalCli();
  const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
