import { type FastifyBaseLogger } from 'fastify';
import { type StateFileContent } from './stateFileSchema';
import { writeStateFile } from './stateFile';

/** Default wait between a change and the write that saves it: a crash loses at most about this much. */
export const DEFAULT_STATE_SAVE_DELAY_MS = 1000;

/**
 * Keeps the state file up to date. `changed()` arms one unref'd timer (never keeping the process
 * alive); everything that changes until it fires goes into that one write, so the file is written
 * at most about once per `delayMs` however busy the emulator is. Writes are serialized, and each
 * takes its snapshot when it starts, so the newest state always lands last.
 */
export class StateAutosave {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => StateFileContent,
    private readonly delayMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed background write is logged; the next change tries again, and close() reports it.
      this.save().catch((err: unknown) => this.log.error({ err, file: this.file }, 'could not save the emulator state file'));
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes the current state now (after a write in progress), cancelling a pending timer. */
  save(): Promise<void> {
    this.cancelTimer();
    const write = this.writing.then(() => writeStateFile(this.file, this.snapshot()));
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** Final write (unless `save` is false), then no more writes. */
  async close(save = true): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    if (save) await this.save();
    else await this.writing;
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
