import { setImmediate, setTimeout } from 'node:timers/promises';
import type { Log } from '../support/log.js';
import type { Source } from '../sources/types.js';
import type { AdminQueries, DeliveryGroup, InboxRow, ManagedEventsStore, NewRecord, ProcessingStore } from '../store/ports.js';
import { BackgroundLoop } from '../support/background-loop.js';
import { applyFact, DEFAULT_ATTEND_MS, recordAttendance, type InterpretContext, type WebhookOutcome } from '../domain/interpret.js';
import { closeAt } from '../domain/sessions.js';
import { boundEventTimes } from '../domain/time-bound.js';
import type { EventMappings } from '../domain/event-mappings.js';
import { WorkingSet } from '../domain/working-set.js';
import type { AttendanceFact } from '../domain/facts.js';
import { EventNotes } from './note-events.js';
import { EventAccounts, eventIdsOf } from './event-accounts.js';

export interface ProcessorOptions {
  /** Rounds and sweeps; the count of webhooks waiting for a source is only logged. */
  store: ProcessingStore & Pick<AdminQueries, 'countWaitingWebhooks'> & Pick<ManagedEventsStore, 'noteEvents' | 'managedEventAccount'>;
  sources: Map<string, Source>;
  mappings: () => EventMappings;
  log: Log;
  /**
   * Called after a round committed: with the groups of its new records, so delivery can start at
   * once (none when it made no records; waiting intake requests still learn their batch was read).
   */
  onRecords: (groups: DeliveryGroup[]) => void;
  now?: () => number;
  roundSize?: number;
  /** After a partial round, wait this long so the next one is larger. */
  coalesceMs?: number;
  /** True while webhooks are arriving fast; processing then waits (see maxIngestHoldMs). */
  ingestBusy?: () => boolean;
  maxIngestHoldMs?: number;
  sweepIntervalMs?: number;
  /** Event times later than a webhook's arrival by more than this are replaced by its arrival (see time-bound.ts). */
  maxEventTimeAheadMs: number;
  /** Called for each stored webhook parked because its source could not read it (counted like a parked arrival). */
  onParked?: (sourceId: string) => void;
}

function groupsOf(records: NewRecord[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const r of records) if (r.targetKey !== null) groups.set(`${r.targetKey} ${r.state}`, { targetKey: r.targetKey, state: r.state });
  return [...groups.values()];
}

/**
 * Turns stored webhooks into attendance records, in the order they arrived,
 * one committed round at a time; and closes sessions nobody ever left.
 */
export class WebhookProcessor extends BackgroundLoop {
  private lastSweep = 0;
  private lastRoundAt = 0;
  private readonly now: () => number;
  /** Only webhooks of these are read: one of a source this relay lacks waits for a replica that has it. */
  private readonly sourceIds: string[];

  constructor(private readonly options: ProcessorOptions) {
    super(options.log, 'webhook processing');
    this.now = options.now ?? Date.now;
    this.sourceIds = [...options.sources.keys()];
  }

  stop(): Promise<void> {
    return this.stopLoop();
  }

  protected async round(): Promise<number | undefined> {
    await this.yieldToIngest();
    const processed = await this.processRound();
    if (this.now() - this.lastSweep >= (this.options.sweepIntervalMs ?? 60_000)) await this.sweep();
    if (processed === 0) return 1000;
    // A short pause after a partial round lets webhooks gather: fewer, larger rounds under load.
    if (processed < this.roundSize) await setTimeout(this.options.coalesceMs ?? 20);
    // Between full rounds, let waiting work in (a round runs as one unbroken stretch of microtasks).
    else await setImmediate();
    return undefined;
  }

  /**
   * While webhooks pour in, storing them (and answering their senders) comes first: processing
   * waits, up to `maxIngestHoldMs` since its last round, then catches up in larger rounds.
   */
  private async yieldToIngest(): Promise<void> {
    const busy = this.options.ingestBusy;
    const hold = this.options.maxIngestHoldMs ?? 1000;
    while (busy?.() && this.running && performance.now() - this.lastRoundAt < hold) await setTimeout(25);
    this.lastRoundAt = performance.now();
  }

  private get roundSize(): number {
    return this.options.roundSize ?? 200;
  }

  /** Processes one round of stored webhooks; how many (0 when none, or another replica had the turn). */
  async processRound(): Promise<number> {
    const { store, log } = this.options;
    const turn = await store.processExclusively(async (view) => {
      const rows = await view.unprocessedWebhooks(this.roundSize, this.sourceIds);
      if (rows.length === 0) return undefined;
      const work = new WorkingSet(view);
      const mappings = this.options.mappings();
      const notes = new EventNotes(mappings);
      const accounts = new EventAccounts(store, mappings);
      for (const row of rows) {
        const facts = this.read(row);
        if ('unreadable' in facts) {
          work.parked.push({ inboxId: row.id, reason: facts.unreadable });
          continue;
        }
        await accounts.load(row.sourceId, eventIdsOf(facts.facts));
        const accountOf = accounts.lookup(row.sourceId, facts.account);
        const outcome = await this.interpret(row, facts.facts, work, { mappings, notes, accountOf });
        work.processed.push({ inboxId: row.id, outcome: JSON.stringify(outcome) });
      }
      // Before the records: a created event's records must find it noted (and wait for it) when claimed.
      const noted = notes.list();
      if (noted.length > 0) await store.noteEvents(noted, this.now());
      await view.commitEffects(work.effects(), this.now());
      return { webhooks: rows.length, records: work.records };
    });
    if (!turn.ran || !turn.value) return 0;
    const { webhooks, records } = turn.value;
    this.options.onRecords(groupsOf(records));
    log.debug({ webhooks, records: records.length }, 'webhooks processed');
    return webhooks;
  }

  /**
   * The facts in a stored webhook, or why its source cannot read them (a mapping error, details
   * that do not parse): such a webhook is parked with the reason, as one refused at receipt is,
   * and read again by a replay after a fix.
   */
  private read(row: InboxRow): { facts: AttendanceFact[]; account?: string } | { unreadable: string } {
    // Only webhooks of this relay's sources are read (see sourceIds).
    const source = this.options.sources.get(row.sourceId) as Source;
    try {
      const details = row.details ? JSON.parse(row.details) : undefined;
      const body: unknown = JSON.parse(row.body);
      return { facts: source.interpret(body, details), account: source.accountOf?.(body) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log.warn(
        { sourceId: row.sourceId, webhookId: row.id, reason },
        'stored webhook its source cannot read: parked (replayable)',
      );
      this.options.onParked?.(row.sourceId);
      return { unreadable: reason };
    }
  }

  private async interpret(
    row: InboxRow,
    facts: AttendanceFact[],
    work: WorkingSet,
    {
      mappings,
      notes,
      accountOf,
    }: { mappings: EventMappings; notes: EventNotes; accountOf: (sourceEventId: string) => string | undefined },
  ): Promise<WebhookOutcome | { error: string }> {
    const source = this.options.sources.get(row.sourceId) as Source;
    const outcome: WebhookOutcome = { records: 0, guests: 0, invalidEmails: 0, repeats: 0 };
    try {
      const ctx: InterpretContext = { source, mappings, work, accountOf };
      for (const reported of facts) {
        const { fact, clamped } = boundEventTimes(reported, row.receivedAt, this.options.maxEventTimeAheadMs);
        if (clamped.length > 0) {
          outcome.clampedTimes = (outcome.clampedTimes ?? 0) + clamped.length;
          this.options.log.warn(
            { sourceId: row.sourceId, webhookId: row.id, clamped },
            "event time later than the webhook's arrival: the arrival time is used instead",
          );
        }
        await applyFact(ctx, row, fact, outcome);
        notes.add(row.sourceId, fact, 'sourceEventId' in fact ? accountOf(fact.sourceEventId) : undefined);
      }
    } catch (error) {
      // Kept in the inbox with the reason (replayable), never silently dropped.
      this.options.log.error({ err: error, sourceId: row.sourceId, webhookId: row.id }, 'stored webhook could not be interpreted');
      return { error: (error as Error).message };
    }
    if (outcome.guests > 0) {
      this.options.log.info(
        { sourceId: row.sourceId, webhookId: row.id, guests: outcome.guests },
        'participant without an email (guest): acknowledged, not sent to HubSpot',
      );
    }
    for (const note of outcome.notes ?? []) {
      this.options.log.info({ sourceId: row.sourceId, webhookId: row.id }, `noted, nothing sent to HubSpot: ${note}`);
    }
    if (outcome.invalidEmails > 0) {
      this.options.log.warn(
        { sourceId: row.sourceId, webhookId: row.id },
        'attendance fact without a valid email: acknowledged, counted, not sent to HubSpot',
      );
    }
    return outcome;
  }

  /**
   * Every minute (and first thing): webhooks an earlier relay dropped for want of their source
   * come back, webhooks waiting for a source are logged, stale sessions are closed.
   */
  async sweep(): Promise<void> {
    const { store, log } = this.options;
    this.lastSweep = this.now();
    const reopened = await store.reopenUnconfiguredWebhooks();
    if (reopened > 0) log.warn({ reopened }, 'webhooks an earlier relay had dropped for want of their source are unprocessed again');
    const waiting = await store.countWaitingWebhooks(this.sourceIds);
    if (Object.keys(waiting).length > 0) {
      log.warn({ waiting }, 'webhooks of sources this relay does not have wait for a replica (or a restart) that has them');
    }
    await this.closeStaleSessions();
  }

  /** Closes sessions with no leave and no end after the source's timeout, at the event's scheduled end. */
  async closeStaleSessions(): Promise<number> {
    const { store, sources } = this.options;
    const now = this.now();
    this.lastSweep = now;
    const timeouts = [...sources.values()].map((s) => s.sessionTimeoutMs);
    if (timeouts.length === 0) return 0;
    const turn = await store.processExclusively(async (view) => {
      const candidates = await view.openSessionsJoinedBefore(now - Math.min(...timeouts), 1000);
      const work = new WorkingSet(view);
      const mappings = this.options.mappings();
      const accounts = new EventAccounts(store, mappings);
      for (const session of candidates) {
        const source = sources.get(session.sourceId);
        const lastJoin = session.times.lastJoin ?? now;
        if (!source || lastJoin > now - source.sessionTimeoutMs) continue;
        const scheduledEnd = (await work.sourceEvent(session.sourceId, session.sourceEventId))?.endsAt;
        const end = scheduledEnd !== undefined && scheduledEnd > lastJoin ? scheduledEnd : lastJoin + DEFAULT_ATTEND_MS;
        const closed = { ...session, times: closeAt(session.times, end) };
        await accounts.load(session.sourceId, [session.sourceEventId]);
        const accountOf = accounts.lookup(session.sourceId, undefined);
        work.putSession(recordAttendance({ source, mappings, work, accountOf }, undefined, closed));
      }
      if (candidates.length > 0) await view.commitEffects(work.effects(), now);
      return work.records;
    });
    const records = turn.ran ? turn.value : [];
    if (records.length > 0) this.options.onRecords(groupsOf(records));
    return records.length;
  }
}
