import type { WebhookStatus } from '../store/ports.js';
import { SETTLED } from './batch-status.js';

export interface WaiterLimits {
  /** Requests held at once, in all. */
  maxWaiters: number;
  /** Requests held at once per caller (intake token). */
  maxPerCaller: number;
  /**
   * Re-read this often even without a signal. Needed only where another process may settle
   * records (replicas sharing PostgreSQL); with SQLite every settlement happens here and is signalled.
   */
  fallbackPollMs?: number;
}

/** One request held by `Prefer: wait`: sleeps until one of its records settles, its batch is processed, or time runs out. */
export class Waiter {
  /** The batch's records not settled yet; undefined until the batch has been processed. */
  unsettled: Set<number> | undefined;
  private release: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly fallbackPollMs: number | undefined,
    /** Gives the place back; call once done. */
    readonly leave: () => void,
  ) {}

  /** Takes in what a read of the batch showed. */
  saw(batch: WebhookStatus | undefined): void {
    if (batch?.processedAt === undefined) return;
    this.unsettled = new Set(batch.records.filter((r) => !SETTLED.has(r.status)).map((r) => r.id));
  }

  wake(): void {
    this.woken = true;
    this.release?.();
  }

  /** Resolves when woken (or at once if woken since the last sleep), after the fallback poll, or after `ms`. */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.release?.(), Math.min(ms, this.fallbackPollMs ?? ms));
      this.release = () => {
        clearTimeout(timer);
        this.release = undefined;
        this.woken = false;
        resolve();
      };
    });
  }
}

/**
 * The requests held by `Prefer: wait`, capped in all and per caller (past a cap the request is
 * answered at once, as if it had not asked to wait). They are woken when something they wait for
 * happens (their batch processed, one of their records settled) instead of each polling the store.
 */
export class BatchWaiters {
  private readonly waiting = new Set<Waiter>();
  private readonly perCaller = new Map<string, number>();

  constructor(private readonly limits: WaiterLimits) {}

  /** A place for `caller`, or undefined when a cap is reached. Call `leave()` when done. */
  enter(caller: string): Waiter | undefined {
    const mine = this.perCaller.get(caller) ?? 0;
    if (this.waiting.size >= this.limits.maxWaiters || mine >= this.limits.maxPerCaller) return undefined;
    const waiter = new Waiter(this.limits.fallbackPollMs, () => {
      if (!this.waiting.delete(waiter)) return;
      const left = (this.perCaller.get(caller) ?? 1) - 1;
      if (left === 0) this.perCaller.delete(caller);
      else this.perCaller.set(caller, left);
    });
    this.waiting.add(waiter);
    this.perCaller.set(caller, mine + 1);
    return waiter;
  }

  /** Stored webhooks were processed: batches waiting to be read may now have records, or be complete. */
  processed(): void {
    for (const waiter of this.waiting) if (waiter.unsettled === undefined) waiter.wake();
  }

  /** These records were delivered or dead-lettered. */
  settled(recordIds: readonly number[]): void {
    if (this.waiting.size === 0) return;
    for (const waiter of this.waiting) {
      if (recordIds.some((id) => waiter.unsettled?.has(id))) waiter.wake();
    }
  }

  /** Everyone answers now (the relay is closing). */
  wakeAll(): void {
    for (const waiter of this.waiting) waiter.wake();
  }
}
