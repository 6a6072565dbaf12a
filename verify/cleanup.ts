import { errorMessage, withTimeout } from './util';

interface Action {
  label: string;
  /** How to undo it by hand if the automatic cleanup fails. */
  manual: string;
  run: () => Promise<unknown>;
  /** Internal actions (closing clients, tunnels) are not listed as "removed" in the report. */
  internal: boolean;
}

export interface CleanupOutcome {
  removed: string[];
  leftBehind: { label: string; error: string; manual: string }[];
}

/**
 * Everything verify creates registers its removal here right after it was created (or right before, for
 * names that are unique to this run). Actions run last-in first-out, each with its own deadline, at the end
 * of the run, after a failure and on SIGINT/SIGTERM. Running twice is harmless: the list is drained.
 */
export class Cleanup {
  private actions: Action[] = [];
  private running: Promise<CleanupOutcome> | undefined;

  constructor(private readonly timeoutMs: number) {}

  /**
   * Something verify is about to create and must delete (a topic, a consumer group, a collection). Register
   * before creating: once the run is being torn down (Ctrl-C) this throws, so nothing new gets created.
   */
  created(label: string, manual: string, run: () => Promise<unknown>): void {
    if (this.closed) throw new Error(`not creating ${label}: verify is stopping`);
    this.actions.push({ label, manual, run, internal: false });
  }

  /** After close() nothing new may be created (used when a signal arrives mid-check). */
  close(): void {
    this.closed = true;
  }

  private closed = false;

  /** Something verify opened and must close (clients, tunnels). */
  opened(label: string, run: () => Promise<unknown>): void {
    this.actions.push({ label, manual: '', run, internal: true });
  }

  get pending(): number {
    return this.actions.length;
  }

  get hasCreated(): boolean {
    return this.actions.some((a) => !a.internal);
  }

  runAll(): Promise<CleanupOutcome> {
    if (this.running) return this.running;
    this.running = (async () => {
      const outcome: CleanupOutcome = { removed: [], leftBehind: [] };
      while (this.actions.length) {
        const a = this.actions.pop()!;
        try {
          await withTimeout(a.run(), this.timeoutMs, `cleaning up: ${a.label}`);
          if (!a.internal) outcome.removed.push(a.label);
        } catch (e) {
          if (!a.internal) outcome.leftBehind.push({ label: a.label, error: errorMessage(e), manual: a.manual });
        }
      }
      this.running = undefined;
      return outcome;
    })();
    return this.running;
  }
}
