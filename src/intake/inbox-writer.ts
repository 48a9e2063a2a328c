import { RelayError } from '../errors.js';
import type { AcceptedWebhook, NewWebhook, Store } from '../store/types.js';

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
  private flushing = false;
  /** The last failed commit, cleared by the next one that succeeds: readiness reports it. */
  lastFailure: { at: number; message: string } | undefined;

  constructor(
    private readonly store: Store,
    private readonly onStored: () => void,
    private readonly maxGroup = 2000,
  ) {}

  /** Webhooks waiting for their commit. */
  get queueDepth(): number {
    return this.queue.length;
  }

  accept(row: NewWebhook): Promise<AcceptedWebhook> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      // setImmediate runs after the current I/O phase: requests read together commit together.
      if (!this.flushing && this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const accepted = await this.store.insertWebhooks(group.map((w) => w.row));
          group.forEach((w, i) => w.resolve(accepted[i] as AcceptedWebhook));
          this.lastFailure = undefined;
        } catch (error) {
          this.lastFailure = { at: Date.now(), message: error instanceof Error ? error.message : String(error) };
          const refusal = new RelayError('STORE_UNAVAILABLE', undefined, { cause: error, headers: { 'retry-after': '5' } });
          group.forEach((w) => w.reject(refusal));
        }
      }
    } finally {
      this.flushing = false;
    }
    this.onStored();
  }
}
