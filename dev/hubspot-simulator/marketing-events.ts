/**
 * The marketing events this app created, as HubSpot keeps them: made by
 * `POST /marketing/v3/marketing-events/events/upsert` (spec: BatchInputMarketingEventCreateRequestParams),
 * then `complete` (MarketingEventCompleteRequestParams) or `cancel` (no body). HubSpot answers the
 * external-id endpoints with 404 for an event this app did not create; `externalEvents: 'any'`
 * turns that off for tests and the sandbox written before the relay created events.
 */

/** One input of the upsert, as the spec's MarketingEventCreateRequestParams has it. */
export interface EventCreateInput {
  externalAccountId: string;
  externalEventId: string;
  eventName: string;
  eventOrganizer: string;
  customProperties: unknown[];
  startDateTime?: string;
  endDateTime?: string;
  eventUrl?: string;
  eventDescription?: string;
  eventType?: string;
  eventCancelled?: boolean;
  eventCompleted?: boolean;
}

export interface SimulatedEvent extends EventCreateInput {
  /** HubSpot's object id (`id` in its answers). */
  objectId: string;
  state: 'active' | 'completed' | 'cancelled';
  /** How many upserts wrote it. */
  upserts: number;
  createdAt: string;
  updatedAt: string;
}

export type ExternalEventsMode = 'created-only' | 'any';

const FIRST_OBJECT_ID = 700_000_001;

export class MarketingEvents {
  private byKey = new Map<string, SimulatedEvent>();
  /** Events a test declared created (a control route), without the upsert. */
  private preCreated = new Set<string>();
  private nextObjectId = FIRST_OBJECT_ID;

  constructor(public mode: ExternalEventsMode = 'created-only') {}

  static key(externalAccountId: string, externalEventId: string): string {
    return `${externalAccountId}\u0000${externalEventId}`;
  }

  /** May the external-id attendance endpoints name this event? */
  isKnown(externalAccountId: string, externalEventId: string): boolean {
    const key = MarketingEvents.key(externalAccountId, externalEventId);
    return this.mode === 'any' || this.byKey.has(key) || this.preCreated.has(key);
  }

  preCreate(externalAccountId: string, externalEventId: string): void {
    this.preCreated.add(MarketingEvents.key(externalAccountId, externalEventId));
  }

  upsert(input: EventCreateInput): SimulatedEvent {
    const key = MarketingEvents.key(input.externalAccountId, input.externalEventId);
    const now = new Date().toISOString();
    const existing = this.byKey.get(key);
    const state = input.eventCancelled ? 'cancelled' : input.eventCompleted ? 'completed' : (existing?.state ?? 'active');
    const event: SimulatedEvent = {
      ...input,
      objectId: existing?.objectId ?? String(this.nextObjectId++),
      state,
      upserts: (existing?.upserts ?? 0) + 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.byKey.set(key, event);
    return structuredClone(event);
  }

  get(externalAccountId: string, externalEventId: string): SimulatedEvent | undefined {
    const found = this.byKey.get(MarketingEvents.key(externalAccountId, externalEventId));
    return found && structuredClone(found);
  }

  complete(externalAccountId: string, externalEventId: string, times: { startDateTime: string; endDateTime: string }) {
    return this.change(externalAccountId, externalEventId, (event) => Object.assign(event, times, { state: 'completed' }));
  }

  cancel(externalAccountId: string, externalEventId: string) {
    return this.change(externalAccountId, externalEventId, (event) => Object.assign(event, { state: 'cancelled' }));
  }

  private change(externalAccountId: string, externalEventId: string, apply: (event: SimulatedEvent) => void) {
    const event = this.byKey.get(MarketingEvents.key(externalAccountId, externalEventId));
    if (!event) return undefined;
    apply(event);
    event.updatedAt = new Date().toISOString();
    return structuredClone(event);
  }

  list(): SimulatedEvent[] {
    return structuredClone([...this.byKey.values()]);
  }

  reset(): void {
    this.byKey.clear();
    this.preCreated.clear();
  }
}
