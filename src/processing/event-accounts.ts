import type { EventMappings } from '../domain/event-mappings.js';
import type { AttendanceFact } from '../domain/facts.js';
import type { ManagedEventsStore } from '../store/ports.js';

/**
 * The platform account each source event of a round resolves with (createEvents mappings that name no
 * externalAccountId): the account its managed event was noted with, so its records keep one target
 * whatever a later webhook or a session timeout says; else the account the webhook names (Zoom's
 * `account_id`). Looked up once per event and round.
 */
export class EventAccounts {
  private readonly known = new Map<string, string | undefined>();

  constructor(
    private readonly store: Pick<ManagedEventsStore, 'managedEventAccount'>,
    private readonly mappings: EventMappings,
  ) {}

  /** Loads the accounts of the events these facts name (only those the relay creates). */
  async load(sourceId: string, sourceEventIds: Iterable<string>): Promise<void> {
    for (const sourceEventId of sourceEventIds) {
      const key = `${sourceId}\u0000${sourceEventId}`;
      if (this.known.has(key) || !this.mappings.creation(sourceId, sourceEventId)) continue;
      this.known.set(key, await this.store.managedEventAccount(sourceId, sourceEventId));
    }
  }

  /**
   * A synchronous lookup for one webhook (after load): the noted account, else the webhook's, which
   * then stays for the rest of the round (the event is noted with it when the round commits).
   */
  lookup(sourceId: string, webhookAccount: string | undefined): (sourceEventId: string) => string | undefined {
    return (sourceEventId) => {
      const key = `${sourceId}\u0000${sourceEventId}`;
      const noted = this.known.get(key);
      if (noted !== undefined) return noted;
      if (this.known.has(key) && webhookAccount !== undefined) this.known.set(key, webhookAccount);
      return webhookAccount;
    };
  }
}

/** The source event ids a webhook's facts name. */
export function eventIdsOf(facts: AttendanceFact[]): string[] {
  return [...new Set(facts.flatMap((fact) => ('sourceEventId' in fact ? [fact.sourceEventId] : [])))];
}
