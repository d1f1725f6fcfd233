/**
 * Schemathesis (PyPI), the API fuzzer `npm test` runs against the order service: installed on first
 * use into a virtualenv under .tools/ (git-ignored), at the exact versions of
 * scripts/schemathesis-requirements.txt. Needs python3 with venv and pip, and PyPI.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findOnPath, run } from './process';
import { PROJECT_ROOT } from './temporal-cli';

export const SCHEMATHESIS_VERSION = '4.32.5';
const REQUIREMENTS = path.join(PROJECT_ROOT, 'scripts', 'schemathesis-requirements.txt');
const VENV = path.join(PROJECT_ROOT, '.tools', 'schemathesis', SCHEMATHESIS_VERSION);
const STAMP = path.join(VENV, '.installed');

export function schemathesisBinary(): string {
  return path.join(VENV, 'bin', 'schemathesis');
}

/** The path of the pinned `schemathesis` command, installing it first if needed. */
export async function ensureSchemathesis(log: (line: string) => void = () => undefined): Promise<string> {
  const binary = schemathesisBinary();
  if (existsSync(STAMP) && existsSync(binary)) return binary;
  const python = await findOnPath('python3');
  if (!python) throw new Error('Schemathesis needs python3 (with venv and pip): e.g. `apt-get install -y python3-venv`');
  log(`installing Schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${path.relative(PROJECT_ROOT, VENV)} (once)…`);
  // A virtualenv cannot be moved (its scripts name their python by path), so it is built in place
  // and counts as installed only once the stamp is written: an interrupted install is redone.
  await rm(VENV, { recursive: true, force: true });
  await run(python, ['-m', 'venv', VENV]);
  await run(path.join(VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', '--only-binary=:all:', '-r', REQUIREMENTS]);
  await writeFile(STAMP, `${SCHEMATHESIS_VERSION}\n`);
  const { stdout } = await run(binary, ['--version']);
  log(`  ok  ${stdout.trim()}`);
  return binary;
}
