import { DetailsFetchError, DetailsUnreadableError, type Source } from '../sources/types.js';
import type { DetailsQueue, InboxRow } from '../store/ports.js';
import type { Log } from '../support/log.js';
import { BackgroundLoop } from '../support/background-loop.js';
import { backoffMs, type Backoff } from '../support/backoff.js';

const DETAILS_BACKOFF: Backoff = { firstMs: 2000, maxMs: 300_000, jitter: 'equal' };

export interface DetailsFetcherOptions {
  store: DetailsQueue;
  sources: Map<string, Source>;
  log: Log;
  /** Called when details were saved: those webhooks can be processed now. */
  onReady: () => void;
  /** Called for each webhook parked because its fetched details cannot be read. */
  onParked?: (sourceId: string) => void;
  now?: () => number;
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  random?: () => number;
}

/**
 * Fetches the details of thin notices in the background, after they were stored and
 * acknowledged, with retries and backoff. One that fails for good stays in the inbox, dead
 * with the reason, never lost.
 */
export class DetailsFetcher extends BackgroundLoop {
  private readonly abort = new AbortController();
  private readonly now: () => number;
  /** Only notices of sources this relay can fetch for: the others wait for a replica that can. */
  private readonly sourceIds: string[];

  constructor(private readonly options: DetailsFetcherOptions) {
    super(options.log, 'fetching webhook details');
    this.now = options.now ?? Date.now;
    this.sourceIds = [...options.sources.values()].filter((s) => s.fetchDetails).map((s) => s.id);
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('shutting down'));
    await this.stopLoop();
  }

  protected async round(): Promise<number | undefined> {
    const concurrency = this.options.concurrency ?? 4;
    const rows = await this.options.store.claimWebhooksNeedingDetails(
      this.now(),
      concurrency,
      this.options.leaseMs ?? 60_000,
      this.sourceIds,
    );
    if (rows.length === 0) return 1000;
    await Promise.all(rows.map((row) => this.fetchOne(row)));
    return undefined;
  }

  /** Backoff between fetch attempts: 2 s doubling to 5 min, at least half of it. */
  private backoffMs(attempts: number): number {
    return Math.round(backoffMs(DETAILS_BACKOFF, attempts, this.options.random));
  }

  private async fetchOne(row: InboxRow): Promise<void> {
    const { store, log } = this.options;
    // Only notices of sources that fetch details are claimed (see sourceIds).
    const source = this.options.sources.get(row.sourceId) as Required<Pick<Source, 'fetchDetails'>>;
    try {
      const details = await source.fetchDetails(JSON.parse(row.body), this.abort.signal);
      await store.saveDetails(row.id, JSON.stringify(details ?? null));
      this.options.onReady();
    } catch (error) {
      if (this.abort.signal.aborted) return; // shutdown: the lease runs out and the fetch is tried again
      const message = error instanceof Error ? error.message : String(error);
      const attempts = (row.detailsAttempts ?? 0) + 1;
      if (error instanceof DetailsUnreadableError) {
        await store.parkDetails(row.id, message);
        this.options.onParked?.(row.sourceId);
        log.warn(
          { sourceId: row.sourceId, webhookId: row.id, reason: message },
          'fetched webhook details cannot be read: parked (replayable)',
        );
        return;
      }
      const retryable = !(error instanceof DetailsFetchError) || error.retryable;
      const spendsAttempt = !(error instanceof DetailsFetchError) || error.spendsAttempt;
      if (!retryable || (spendsAttempt && attempts >= (this.options.maxAttempts ?? 10))) {
        await store.failDetails(row.id, message);
        log.warn(
          { sourceId: row.sourceId, webhookId: row.id, attempts, error: message },
          'webhook details could not be fetched: dead-lettered (replayable)',
        );
        return;
      }
      const hinted = error instanceof DetailsFetchError ? (error.retryAfterMs ?? 0) : 0;
      const wait = spendsAttempt ? Math.max(hinted, this.backoffMs(attempts - 1)) : Math.max(hinted, 1000);
      await store.retryDetails(row.id, this.now() + wait, message, spendsAttempt);
      log.info({ sourceId: row.sourceId, webhookId: row.id, attempts, error: message }, 'webhook details fetch failed; will retry');
    }
  }
}
