import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RelayError } from '../http/errors.js';

export interface LoadSheddingOptions {
  maxQueuedWebhooks: number;
  maxEventLoopDelayMs: number;
  queueDepth: () => number;
}

/**
 * Refuses new webhooks with 503 + Retry-After when the relay cannot keep up,
 * rather than accepting more than it can commit. Senders retry; nothing
 * acknowledged is ever dropped.
 */
export class LoadShedder {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private recentDelayMs = 0;

  constructor(private readonly options: LoadSheddingOptions) {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.recentDelayMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, 1000).unref();
  }

  /** Throws OVERLOADED when a new webhook should be refused. */
  check(): void {
    const queued = this.options.queueDepth();
    if (queued >= this.options.maxQueuedWebhooks) {
      throw new RelayError('OVERLOADED', `${queued} webhooks are waiting to be stored; retry later`, { headers: { 'retry-after': '1' } });
    }
    if (this.recentDelayMs > this.options.maxEventLoopDelayMs) {
      throw new RelayError('OVERLOADED', 'The relay is saturated; retry later', { headers: { 'retry-after': '1' } });
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
