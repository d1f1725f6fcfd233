import { type EmulatorState } from '../state/emulatorState';
import { restoreSnapshot } from './snapshot';
import { readStateFile, StateFileError } from './stateFile';

/** What the state file holds besides the stores' contents. */
export interface RestoredState {
  accessTokenKey: Buffer;
}

/**
 * Fills the empty `state` from the state file. Returns undefined when there is no file yet (a
 * fresh start). Anything unusable is a StateFileError naming the file.
 */
export function loadState(file: string, state: EmulatorState): RestoredState | undefined {
  const content = readStateFile(file);
  if (!content) return undefined;
  try {
    restoreSnapshot(state, content);
  } catch (err) {
    throw new StateFileError(file, `is inconsistent (${err instanceof Error ? err.message : String(err)})`);
  }
  return { accessTokenKey: Buffer.from(content.accessTokenKey, 'base64url') };
}
