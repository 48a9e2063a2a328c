import type { ContactDetails } from './facts.js';
import type { RegistrationEntry, RegistrationKey } from './registrations.js';
import type { InboxEffects, NewRecord, ProcessingRound, SessionRow, SourceEventRow } from './processing-round.js';

const key = (...parts: string[]) => parts.join('\u0000');

/**
 * The state one processing round reads and changes. Reads fall through to the
 * store once; writes stay here until the round commits them together, so two
 * webhooks in one round (a join and its leave) see each other.
 */
export class WorkingSet {
  private readonly contacts = new Map<
    string,
    { sourceId: string; contactKey: string; contact: ContactDetails | undefined; dirty: boolean }
  >();
  private readonly sessions = new Map<string, { row: SessionRow | undefined; dirty: boolean }>();
  private readonly sourceEvents = new Map<string, { row: SourceEventRow | undefined; dirty: boolean }>();
  private readonly onceKeys = new Map<string, { sourceId: string; key: string; seen: boolean; dirty: boolean }>();
  private readonly registrationEntries = new Map<string, { key: RegistrationKey; entries: RegistrationEntry[]; dirty: boolean }>();
  readonly records: NewRecord[] = [];
  readonly processed: InboxEffects['processed'] = [];
  readonly parked: NonNullable<InboxEffects['parked']> = [];

  constructor(private readonly store: ProcessingRound) {}

  async contact(sourceId: string, contactKey: string): Promise<ContactDetails | undefined> {
    const k = key(sourceId, contactKey);
    if (!this.contacts.has(k)) {
      const contact = await this.store.findContact(sourceId, contactKey);
      this.contacts.set(k, { sourceId, contactKey, contact, dirty: false });
    }
    return this.contacts.get(k)?.contact;
  }

  putContact(sourceId: string, contactKey: string, contact: ContactDetails): void {
    this.contacts.set(key(sourceId, contactKey), { sourceId, contactKey, contact, dirty: true });
  }

  async session(sourceId: string, sourceEventId: string, occurrence: string, email: string): Promise<SessionRow | undefined> {
    const k = key(sourceId, sourceEventId, occurrence, email);
    if (!this.sessions.has(k)) {
      this.sessions.set(k, { row: await this.store.findSession(sourceId, sourceEventId, occurrence, email), dirty: false });
    }
    return this.sessions.get(k)?.row;
  }

  /** Sessions of one event's occurrence that may be open: the store's, overlaid with this round's. */
  async sessionsOfEvent(sourceId: string, sourceEventId: string, occurrence: string): Promise<SessionRow[]> {
    for (const row of await this.store.openSessionsOfEvent(sourceId, sourceEventId, occurrence)) {
      const k = key(sourceId, sourceEventId, occurrence, row.email);
      if (!this.sessions.has(k)) this.sessions.set(k, { row, dirty: false });
    }
    return [...this.sessions.values()]
      .map((entry) => entry.row)
      .filter(
        (row): row is SessionRow => row?.sourceId === sourceId && row.sourceEventId === sourceEventId && row.occurrence === occurrence,
      );
  }

  putSession(row: SessionRow): void {
    this.sessions.set(key(row.sourceId, row.sourceEventId, row.occurrence, row.email), { row, dirty: true });
  }

  /** The event's times (`occurrence` '') or one occurrence's. */
  async sourceEvent(sourceId: string, sourceEventId: string, occurrence = ''): Promise<SourceEventRow | undefined> {
    const k = key(sourceId, sourceEventId, occurrence);
    if (!this.sourceEvents.has(k)) {
      this.sourceEvents.set(k, { row: await this.store.findSourceEvent(sourceId, sourceEventId, occurrence), dirty: false });
    }
    return this.sourceEvents.get(k)?.row;
  }

  putSourceEvent(row: SourceEventRow): void {
    const occurrence = row.occurrence ?? '';
    const k = key(row.sourceId, row.sourceEventId, occurrence);
    const previous = this.sourceEvents.get(k)?.row;
    const merged = {
      ...previous,
      ...row,
      occurrence,
      startsAt: row.startsAt ?? previous?.startsAt,
      endsAt: row.endsAt ?? previous?.endsAt,
      endedAt: row.endedAt ?? previous?.endedAt,
    };
    this.sourceEvents.set(k, { row: merged, dirty: true });
  }

  async seen(sourceId: string, key: string): Promise<boolean> {
    const k = `${sourceId}\u0000${key}`;
    if (!this.onceKeys.has(k)) this.onceKeys.set(k, { sourceId, key, seen: await this.store.hasOnceKey(sourceId, key), dirty: false });
    return this.onceKeys.get(k)?.seen ?? false;
  }

  markSeen(sourceId: string, key: string): void {
    this.onceKeys.set(`${sourceId}\u0000${key}`, { sourceId, key, seen: true, dirty: true });
  }

  async registrations(k: RegistrationKey): Promise<RegistrationEntry[]> {
    const id = key(k.sourceId, k.sourceEventId, k.email);
    if (!this.registrationEntries.has(id)) {
      this.registrationEntries.set(id, { key: k, entries: await this.store.findRegistrations(k), dirty: false });
    }
    return this.registrationEntries.get(id)?.entries ?? [];
  }

  putRegistrations(k: RegistrationKey, entries: RegistrationEntry[]): void {
    this.registrationEntries.set(key(k.sourceId, k.sourceEventId, k.email), { key: k, entries, dirty: true });
  }

  effects(): InboxEffects {
    const dirty = <T>(entries: Iterable<{ dirty: boolean } & T>) => [...entries].filter((e) => e.dirty);
    return {
      processed: this.processed,
      parked: this.parked,
      contacts: dirty(this.contacts.values()).flatMap((e) =>
        e.contact ? [{ sourceId: e.sourceId, contactKey: e.contactKey, contact: e.contact }] : [],
      ),
      sessions: dirty(this.sessions.values()).flatMap((e) => (e.row ? [e.row] : [])),
      sourceEvents: dirty(this.sourceEvents.values()).flatMap((e) => (e.row ? [e.row] : [])),
      records: this.records,
      onceKeys: [...this.onceKeys.values()].filter((e) => e.dirty).map((e) => ({ sourceId: e.sourceId, key: e.key })),
      registrations: dirty(this.registrationEntries.values()).map((e) => ({ ...e.key, entries: e.entries })),
    };
  }
}
