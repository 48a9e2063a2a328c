import type { Log } from '../support/log.js';
import type { Source } from '../sources/types.js';
import type { DeliveryGroup, InboxRow, NewRecord, Store } from '../store/types.js';
import { Wakeup } from '../support/wakeup.js';
import { applyFact, recordAttendance, type InterpretContext, type WebhookOutcome } from './interpret.js';
import { closeAt } from './sessions.js';
import type { EventMappings } from './targets.js';
import { WorkingSet } from './working-set.js';

export interface ProcessorOptions {
  store: Store;
  sources: Map<string, Source>;
  mappings: () => EventMappings;
  log: Log;
  /** Called after a round committed new records, so delivery can start at once. */
  onRecords: (groups: DeliveryGroup[]) => void;
  now?: () => number;
  roundSize?: number;
  sweepIntervalMs?: number;
}

function groupsOf(records: NewRecord[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const r of records) if (r.targetKey !== null) groups.set(`${r.targetKey} ${r.state}`, { targetKey: r.targetKey, state: r.state });
  return [...groups.values()];
}

/** When a session is closed for want of a leave and the event's end is unknown. */
const FALLBACK_ATTENDANCE_MS = 60 * 60_000;

/**
 * Turns stored webhooks into attendance records, in the order they arrived,
 * one committed round at a time; and closes sessions nobody ever left.
 */
export class WebhookProcessor {
  private readonly wakeup = new Wakeup();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private lastSweep = 0;
  private readonly now: () => number;

  constructor(private readonly options: ProcessorOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.running = true;
    this.loopDone = this.loop();
  }

  wake(): void {
    this.wakeup.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const worked = await this.processRound();
        if (this.now() - this.lastSweep >= (this.options.sweepIntervalMs ?? 60_000)) await this.closeStaleSessions();
        if (!worked) await this.wakeup.wait(1000);
      } catch (error) {
        this.options.log.error({ err: error }, 'webhook processing failed; retrying in 1 s');
        await this.wakeup.wait(1000);
      }
    }
  }

  /** Processes one round of stored webhooks; false when there were none. */
  async processRound(): Promise<boolean> {
    const { store, log } = this.options;
    const rows = await store.unprocessedWebhooks(this.options.roundSize ?? 500);
    if (rows.length === 0) return false;
    const work = new WorkingSet(store);
    const mappings = this.options.mappings();
    for (const row of rows) {
      const outcome = await this.interpret(row, work, mappings);
      work.processed.push({ inboxId: row.id, outcome: JSON.stringify(outcome) });
    }
    await store.commitEffects(work.effects(), this.now());
    if (work.records.length > 0) this.options.onRecords(groupsOf(work.records));
    log.debug({ webhooks: rows.length, records: work.records.length }, 'webhooks processed');
    return true;
  }

  private async interpret(row: InboxRow, work: WorkingSet, mappings: EventMappings): Promise<WebhookOutcome | { error: string }> {
    const source = this.options.sources.get(row.sourceId);
    if (!source) {
      this.options.log.error({ sourceId: row.sourceId, webhookId: row.id }, 'stored webhook of a source no longer configured; kept unprocessed-as-error');
      return { error: `source ${row.sourceId} is not configured` };
    }
    const outcome: WebhookOutcome = { records: 0, guests: 0, invalidEmails: 0 };
    try {
      const ctx: InterpretContext = { source, mappings, work };
      for (const fact of source.interpret(JSON.parse(row.body))) await applyFact(ctx, row, fact, outcome);
    } catch (error) {
      // Kept in the inbox with the reason (replayable), never silently dropped.
      this.options.log.error({ err: error, sourceId: row.sourceId, webhookId: row.id }, 'stored webhook could not be interpreted');
      return { error: (error as Error).message };
    }
    if (outcome.guests > 0) {
      this.options.log.info({ sourceId: row.sourceId, webhookId: row.id, guests: outcome.guests }, 'participant without an email (guest): acknowledged, not sent to HubSpot');
    }
    if (outcome.invalidEmails > 0) {
      this.options.log.warn({ sourceId: row.sourceId, webhookId: row.id }, 'registration without a valid email: acknowledged, not sent to HubSpot');
    }
    return outcome;
  }

  /** Closes sessions with no leave and no end after the source's timeout, at the event's scheduled end. */
  async closeStaleSessions(): Promise<number> {
    const { store, sources } = this.options;
    const now = this.now();
    this.lastSweep = now;
    const timeouts = [...sources.values()].map((s) => s.sessionTimeoutMs);
    if (timeouts.length === 0) return 0;
    const candidates = await store.openSessionsJoinedBefore(now - Math.min(...timeouts), 1000);
    const work = new WorkingSet(store);
    const mappings = this.options.mappings();
    for (const session of candidates) {
      const source = sources.get(session.sourceId);
      const lastJoin = session.times.lastJoin ?? now;
      if (!source || lastJoin > now - source.sessionTimeoutMs) continue;
      const scheduledEnd = (await work.sourceEvent(session.sourceId, session.sourceEventId))?.endsAt;
      const end = scheduledEnd !== undefined && scheduledEnd > lastJoin ? scheduledEnd : lastJoin + FALLBACK_ATTENDANCE_MS;
      const closed = { ...session, times: closeAt(session.times, end) };
      work.putSession(recordAttendance({ source, mappings, work }, undefined, closed));
    }
    if (work.records.length > 0 || candidates.length > 0) {
      await store.commitEffects(work.effects(), now);
      if (work.records.length > 0) this.options.onRecords(groupsOf(work.records));
    }
    return work.records.length;
  }
}
