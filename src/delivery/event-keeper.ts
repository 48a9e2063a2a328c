import type { EventMappings } from '../domain/event-mappings.js';
import type { HubspotClient } from '../hubspot/client.js';
import type { HubspotAnswer } from '../hubspot/types.js';
import type { ManagedEvent, ManagedEventsStore } from '../store/ports.js';
import { BackgroundLoop } from '../support/background-loop.js';
import { backoffMs } from '../support/backoff.js';
import type { Log } from '../support/log.js';
import type { AccountAuth } from './account-auth.js';
import { completeTimes, eventCreateInput } from './event-input.js';
import type { SendGate } from './send-gate.js';
import { pauseEnd } from './sender.js';

export type EventCallKind = 'upsert' | 'complete' | 'cancel';

export interface EventKeeperOptions {
  store: Omit<ManagedEventsStore, 'noteEvents' | 'managedEventAccount'>;
  client: HubspotClient;
  /** Shared with attendance: one rate window, one 429 pause, one 401/403 pause. */
  limiter: SendGate;
  auth: AccountAuth;
  mappings: () => EventMappings;
  log: Log;
  updateIntervalMs: number;
  leaseMs: number;
  windowMs: number;
  /** An event became usable (created): its held records may go now. */
  onCreated: () => void;
  /** Records of a refused event were dead-lettered. */
  onRecordsDead?: () => void;
  onCall?: (kind: EventCallKind, outcome: string) => void;
}

const BATCH = 100;
const BACKOFF = { firstMs: 1000, maxMs: 60_000, jitter: 'full' as const };

/**
 * Creates, updates, completes and cancels the HubSpot marketing events of createEvents mappings:
 * claims the due ones from the store (a lease, so replicas never send one twice at once) and calls
 * HubSpot through the same send gate and account pause as attendance.
 */
export class EventKeeper extends BackgroundLoop {
  constructor(private readonly options: EventKeeperOptions) {
    super(options.log, 'keeping HubSpot events');
  }

  stop(): Promise<void> {
    return this.stopLoop();
  }

  protected async round(): Promise<number | undefined> {
    // While HubSpot refuses the token, attendance's probe finds out when it is back.
    if (this.options.auth.current) return 1000;
    const { store, mappings } = this.options;
    const now = Date.now();
    const due = await store.claimDueEvents(now, BATCH, this.options.leaseMs, this.options.updateIntervalMs);
    if (due.length === 0) return 1000;
    const upserts: Array<{ event: ManagedEvent; input: Record<string, unknown> }> = [];
    for (const event of due) {
      const creation = mappings().creation(event.sourceId, event.sourceEventId, event.externalAccountId);
      if (!creation) {
        await this.settle(event, { kind: 'dead', error: 'its event mapping no longer has createEvents' });
        continue;
      }
      const input = eventCreateInput(event, creation);
      const changed = event.state === 'pending' || JSON.stringify(input) !== event.sent;
      if (changed && event.detailsChangedAt > (event.lastSentAt ?? -1)) upserts.push({ event, input });
      else if (event.finish) await this.finish(event);
      else await this.settle(event, { kind: 'unchanged' });
    }
    if (upserts.length > 0) await this.upsert(upserts);
    return 0;
  }

  private settle(event: ManagedEvent, settlement: Parameters<ManagedEventsStore['settleEvent']>[2]) {
    return this.options.store.settleEvent(event.sourceId, event.sourceEventId, settlement, Date.now());
  }

  private async upsert(batch: Array<{ event: ManagedEvent; input: Record<string, unknown> }>): Promise<void> {
    const answer = await this.call(
      'upsert',
      'POST',
      this.options.client.eventPaths.upsert(),
      { inputs: batch.map((b) => b.input) },
      batch.map((b) => b.event),
    );
    if (answer.kind === 'ok') {
      const results = (answer.body as { results?: Array<{ id?: string }> }).results ?? [];
      // HubSpot's results carry no external id; in input order when all came back.
      for (const [i, { event, input }] of batch.entries()) {
        const objectId = results.length === batch.length ? results[i]?.id : undefined;
        await this.settle(event, { kind: 'created', objectId, sent: JSON.stringify(input) });
      }
      this.options.onCreated();
      return;
    }
    if ((answer.kind === 'rejected' || answer.kind === 'failed') && batch.length > 1) {
      for (const one of batch) await this.upsert([one]); // find the input HubSpot refuses
      return;
    }
    for (const { event } of batch) await this.settleFailure(event, answer, true);
  }

  /** A complete or cancel, once every record of the event's webhooks so far was delivered. */
  private async finish(event: ManagedEvent): Promise<void> {
    const finish = event.finish;
    if (!finish) return;
    if ((await this.options.store.undeliveredRecords(event.targetKey)) > 0) {
      const notBefore = Date.now() + 1000;
      await this.settle(event, {
        kind: 'retry',
        error: 'waiting for its attendance records to be delivered',
        notBefore,
        countAttempt: false,
      });
      return;
    }
    const times = finish.kind === 'complete' && finish.atScheduledEnd ? await this.scheduledTimes(event) : undefined;
    if (times === null) return;
    const { externalAccountId: account, externalEventId: id } = event;
    const answer =
      finish.kind === 'cancel'
        ? await this.call('cancel', 'POST', this.options.client.eventPaths.cancel(account, id), undefined, [event])
        : await this.call(
            'complete',
            'POST',
            this.options.client.eventPaths.complete(account, id),
            times ?? completeTimes(event, finish.endDateTime, finish.startDateTime),
            [event],
          );
    if (answer.kind === 'ok') await this.settle(event, { kind: 'finished', state: finish.kind === 'cancel' ? 'cancelled' : 'completed' });
    else await this.settleFailure(event, answer, false);
  }

  /**
   * A complete at the scheduled end (Eventbrite): its scheduled times once the end has passed; before,
   * null, and the event is looked at again at its end or after the update interval (the schedule may move).
   */
  private async scheduledTimes(event: ManagedEvent): Promise<{ startDateTime: string; endDateTime: string } | null> {
    const now = Date.now();
    const end = Date.parse(event.details.endsAt ?? '');
    if (!Number.isNaN(end) && end <= now)
      return { startDateTime: event.details.startsAt ?? event.details.endsAt ?? '', endDateTime: event.details.endsAt ?? '' };
    // At least a minute between looks (eventUpdateIntervalSeconds may be 0): a waiting event is no busy loop.
    const recheck = now + Math.max(this.options.updateIntervalMs, 60_000);
    const notBefore = Number.isNaN(end) ? recheck : Math.min(end, recheck);
    await this.settle(event, { kind: 'retry', error: 'waiting for its scheduled end', notBefore, countAttempt: false });
    return null;
  }

  private async settleFailure(event: ManagedEvent, answer: HubspotAnswer, deadLetterRecords: boolean): Promise<void> {
    const now = Date.now();
    if (answer.kind === 'ok') return;
    if (answer.kind === 'rejected' || answer.kind === 'failed') {
      const error = `HubSpot ${answer.status}: ${answer.message}`;
      await this.settle(event, { kind: 'dead', error });
      if (!deadLetterRecords) return;
      const dead = await this.options.store.deadLetterRecordsOf(
        event.targetKey,
        `HubSpot refused to create the marketing event: ${answer.message}`,
        now,
      );
      if (dead > 0) this.options.onRecordsDead?.();
      this.options.log.warn({ event: event.targetKey, records: dead, error }, 'marketing event refused: its records are dead-lettered');
      return;
    }
    const waitOnly = answer.kind === 'auth' || answer.kind === 'rate-limited';
    const notBefore =
      answer.kind === 'rate-limited' ? pauseEnd(answer, this.options.windowMs, now) : now + backoffMs(BACKOFF, event.attempts);
    await this.settle(event, { kind: 'retry', error: `HubSpot: ${answer.message}`, notBefore, countAttempt: !waitOnly });
  }

  /** One call through the shared send gate, logged (one line) and counted; a 429 pauses every send. */
  private async call(kind: EventCallKind, method: 'POST', path: string, body: unknown, events: ManagedEvent[]): Promise<HubspotAnswer> {
    const { limiter, client, auth, log } = this.options;
    const slot = await limiter.acquire();
    const call = await client.send(method, path, body).finally(() => slot.settle());
    const { answer } = call;
    if (!(answer.kind === 'rate-limited' && answer.retryAfterMs !== undefined)) limiter.observe(call.rateLimit);
    if (answer.kind === 'rate-limited') limiter.pause(pauseEnd(answer, this.options.windowMs, Date.now()), `HubSpot 429 ${answer.policy}`);
    await auth.observe(answer, Date.now());
    this.options.onCall?.(kind, answer.kind);
    const line = {
      kind,
      events: events.map((e) => `${e.externalAccountId}:${e.externalEventId}`),
      httpStatus: 'status' in answer ? answer.status : undefined,
      outcome: answer.kind,
      message: answer.kind === 'ok' ? undefined : answer.message,
      correlationId: answer.kind === 'ok' ? undefined : answer.correlationId,
      durationMs: Math.round(call.durationMs),
    };
    log[answer.kind === 'ok' ? 'info' : 'warn'](line, 'hubspot event call');
    return answer;
  }
}
