import { RelayError } from '../http/errors.js';
import type { AcceptedWebhook, InboxStore, NewWebhook } from '../store/ports.js';

interface Waiting {
  row: NewWebhook;
  resolve: (accepted: AcceptedWebhook) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for webhook intake: every request waiting at the same moment
 * goes into one transaction, so they share one fsync instead of paying one
 * each. A webhook's promise settles only once its commit is on disk.
 */
export class InboxWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private groupsInFlight = 0;
  private rowsInFlight = 0;
  /** The last failed commit, cleared by the next one that succeeds: readiness reports it. */
  lastFailure: { at: number; message: string } | undefined;

  constructor(
    private readonly store: InboxStore,
    private readonly maxGroup = 2000,
    /** Groups sent to the store before the first commits: keeps the store busy between thread hops. */
    private readonly maxGroupsInFlight = 2,
    /** Told of every group committed, duplicates left out. */
    private readonly onStored: (rows: NewWebhook[]) => void = () => undefined,
  ) {}

  /** Webhooks waiting for their commit. */
  get queueDepth(): number {
    return this.queue.length + this.rowsInFlight;
  }

  accept(row: NewWebhook): Promise<AcceptedWebhook> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.groupsInFlight >= this.maxGroupsInFlight) return;
    this.scheduled = true;
    // setImmediate runs after the current I/O phase: requests read together commit together.
    setImmediate(() => {
      this.scheduled = false;
      void this.commitGroup();
    });
  }

  private async commitGroup(): Promise<void> {
    const group = this.queue.splice(0, this.maxGroup);
    if (group.length === 0) return;
    this.groupsInFlight++;
    this.rowsInFlight += group.length;
    try {
      const accepted = await this.store.insertWebhooks(group.map((w) => w.row));
      group.forEach((w, i) => w.resolve(accepted[i] as AcceptedWebhook));
      this.onStored(group.filter((_, i) => accepted[i]?.duplicate === false).map((w) => w.row));
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = { at: Date.now(), message: error instanceof Error ? error.message : String(error) };
      const refusal = new RelayError('STORE_UNAVAILABLE', undefined, { cause: error, headers: { 'retry-after': '5' } });
      group.forEach((w) => w.reject(refusal));
    } finally {
      this.groupsInFlight--;
      this.rowsInFlight -= group.length;
      this.schedule();
    }
  }
}
