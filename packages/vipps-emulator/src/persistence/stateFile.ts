import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type StateFileContent, STATE_FILE_VERSION, StateFileV1 } from './stateFileSchema';

/**
 * Reading and writing the state file. Reading is synchronous because it happens once, while the
 * emulator is being built (before it listens); writing is asynchronous and atomic.
 */

/** The state file exists but cannot be used. Starting empty instead would silently lose payments. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Emulator state file ${file} ${problem}. Fix it, or delete it to start with an empty state.`);
  }
}

/** At most this many zod issues go into the message; one is usually enough to see what broke. */
const MAX_ISSUES = 5;

/** The saved state, or undefined when the file does not exist (a fresh start). */
export function readStateFile(file: string): StateFileContent | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StateFileError(file, `cannot be read (${code ?? (err as Error).message})`);
  }
  return parseStateFile(file, text);
}

export function parseStateFile(file: string, text: string): StateFileContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(file, `is not valid JSON (${(err as Error).message})`);
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (version !== STATE_FILE_VERSION) {
    throw new StateFileError(file, `has version ${JSON.stringify(version)}; this emulator reads version ${STATE_FILE_VERSION} only`);
  }
  const parsed = StateFileV1.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new StateFileError(file, `does not match the version ${STATE_FILE_VERSION} format (${issues.join('; ')})`);
  }
  // The annotation is the compile-time proof that the schema yields what the emulator stores.
  const content: StateFileContent = parsed.data;
  return content;
}

/**
 * Writes the whole file atomically: a temp file next to it (same file system), flushed to disk,
 * then renamed over the old one, so a crash leaves the old or the new version, never half of one.
 * Mode 0600: the file holds webhook secrets and the token signing key.
 */
export async function writeStateFile(file: string, content: StateFileContent): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(content)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
