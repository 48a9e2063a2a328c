import type { Log } from '../support/log.js';
import { OncePerInterval } from '../support/once-per-interval.js';

/** Distinct event types counted per source; any further one is counted as OTHER_EVENT_TYPE. */
export const MAX_EVENT_TYPES_PER_SOURCE = 50;
export const OTHER_EVENT_TYPE = 'other';
const LOG_EVERY_MS = 3_600_000;
/** A label value is the platform's text: kept short whatever a verified sender puts there. */
const MAX_EVENT_TYPE_LENGTH = 100;

export interface IgnoredEventsOptions {
  /** Counts one ignored webhook (the metric); `eventType` is one of at most 51 values per source. */
  count: (source: string, eventType: string) => void;
  log: Log;
  now?: () => number;
}

/**
 * Verified webhooks whose event type no rule maps are answered 200 `ignored` and stored nowhere:
 * so that a preset looking in the wrong place shows on the first day, each is counted by source
 * and event type, and each source and event type is logged at info once an hour. Event types come
 * only from verified webhooks; the labels and the memory kept stay bounded per source.
 */
export class IgnoredEvents {
  private readonly types = new Map<string, Set<string>>();
  private readonly logLines: OncePerInterval<string>;

  constructor(private readonly options: IgnoredEventsOptions) {
    this.logLines = new OncePerInterval(LOG_EVERY_MS, options.now);
  }

  note(source: string, eventType: string): void {
    const label = this.label(source, eventType.slice(0, MAX_EVENT_TYPE_LENGTH));
    this.options.count(source, label);
    if (this.logLines.note(`${source}\u0000${label}`) === undefined) return;
    this.options.log.info(
      { sourceId: source, eventType: label },
      'webhook ignored: no rule maps its event type (counted in relay_webhooks_ignored_total; logged once an hour per source and type)',
    );
  }

  private label(source: string, eventType: string): string {
    let seen = this.types.get(source);
    if (!seen) this.types.set(source, (seen = new Set()));
    if (seen.has(eventType)) return eventType;
    if (seen.size >= MAX_EVENT_TYPES_PER_SOURCE) return OTHER_EVENT_TYPE;
    seen.add(eventType);
    return eventType;
  }
}
