import type { EventMappings } from '../domain/event-mappings.js';
import type { AttendanceFact } from '../domain/facts.js';
import type { NotedEvent } from '../store/ports.js';

/**
 * The mapped events of one processing round whose HubSpot event the relay creates (createEvents):
 * every fact of such an event notes it (so its records wait until HubSpot has it), and facts about
 * the event itself add its details, its end (a complete) or its deletion (a cancel).
 */
export class EventNotes {
  private readonly byEvent = new Map<string, NotedEvent>();

  constructor(private readonly mappings: EventMappings) {}

  /** `account`: the platform account the event resolves with (see EventAccounts). */
  add(sourceId: string, fact: AttendanceFact, account?: string): void {
    if (fact.kind === 'noted' || fact.kind === 'direct') return;
    const creation = this.mappings.creation(sourceId, fact.sourceEventId, account);
    if (!creation) return;
    const key = `${sourceId}\u0000${fact.sourceEventId}`;
    const note: NotedEvent = this.byEvent.get(key) ?? {
      sourceId,
      sourceEventId: fact.sourceEventId,
      targetKey: creation.targetKey,
      externalAccountId: creation.externalAccountId,
      externalEventId: creation.externalEventId,
      details: {},
    };
    switch (fact.kind) {
      case 'event-details':
        note.details = { ...note.details, ...definedOnly(fact.details), startedAt: note.details.startedAt ?? fact.details.startedAt };
        if (note.details.startedAt === undefined) delete note.details.startedAt;
        if (fact.cancelled) note.finish = { kind: 'cancel' };
        else if (fact.completeAtEnd && !note.finish)
          note.finish = { kind: 'complete', startDateTime: '', endDateTime: '', atScheduledEnd: true };
        break;
      case 'event-scheduled':
        note.details.startsAt = new Date(fact.startsAt).toISOString();
        if (fact.endsAt !== undefined) note.details.endsAt = new Date(fact.endsAt).toISOString();
        break;
      case 'event-ended':
        // The start is filled in when sent: the first actual start known by then, else the scheduled one.
        if (note.finish?.kind !== 'cancel') {
          note.finish = { kind: 'complete', startDateTime: '', endDateTime: new Date(fact.occurredAt).toISOString() };
        }
        break;
      default:
        break;
    }
    this.byEvent.set(key, note);
  }

  list(): NotedEvent[] {
    return [...this.byEvent.values()];
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
