/**
 * The simulated account itself, for the read endpoints doctor uses: its hub id, the marketing
 * events that exist in it (by objectId), and a log of those reads (the attendance recording keeps
 * attendance calls only).
 */
export interface MarketingEventRecord {
  objectId: string;
  eventName: string;
  eventType?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface PortalRead {
  method: string;
  path: string;
  status: number;
}

/** A private-app/Service Key's app and user ids as the token-information endpoints return them. */
export const SIM_APP_ID = 3_000_001;
export const SIM_USER_ID = 4_000_001;
export const DEFAULT_HUB_ID = 62515;

export class PortalState {
  hubId = DEFAULT_HUB_ID;
  private readonly events = new Map<string, MarketingEventRecord & { createdAt: string }>();
  private readLog: PortalRead[] = [];

  addMarketingEvent(event: MarketingEventRecord): void {
    this.events.set(event.objectId, { ...event, createdAt: new Date().toISOString() });
  }

  marketingEvent(objectId: string): (MarketingEventRecord & { createdAt: string }) | undefined {
    return this.events.get(objectId);
  }

  logRead(read: PortalRead): void {
    this.readLog.push(read);
  }

  reads(): PortalRead[] {
    return structuredClone(this.readLog);
  }
}
