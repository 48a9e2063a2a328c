import type { Log } from '../support/log.js';
import type { HubspotConfig } from '../config/schema.js';
import { sendBatch, type SenderOptions } from './sender.js';
import type { DeliveryGroup, DeliveryQueue, DeliveryRecord } from '../store/ports.js';
import { maskEmailsIn } from '../support/mask.js';
import { BackgroundLoop } from '../support/background-loop.js';
import { AccountAuth } from './account-auth.js';
import { judgeBatch } from './batch-verdict.js';

export interface DispatcherOptions {
  store: DeliveryQueue;
  sender: SenderOptions;
  hubspot: HubspotConfig;
  log: Log;
  now?: () => number;
  /** How long a claimed batch is ours without renewal before another replica may take it. */
  leaseMs?: number;
  /** How often the list of groups with pending records is re-read from the store. */
  rescanIntervalMs?: number;
  /** Called with every batch's result: for metrics, and to wake requests waiting for these records (`settled`: delivered or dead). */
  onBatch?: (summary: { delivered: DeliveryRecord[]; settled: number[] }) => void;
  /** Called when delivery pauses for a refused token. */
  onAuthPause?: () => void;
  /** True while a group's HubSpot event is not there yet (createEvents): its records wait. */
  heldTarget?: (targetKey: string) => Promise<boolean>;
}

const groupKey = (g: DeliveryGroup) => `${g.targetKey}\u0000${g.state}`;

/**
 * Claims batches of ready records, one (HubSpot event, state) group at a time,
 * and delivers them with at most `maxConcurrentRequests` calls in flight.
 */
export class Dispatcher extends BackgroundLoop {
  readonly auth: AccountAuth;
  private readonly groups = new Map<string, DeliveryGroup>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private lastRescan = 0;
  private lastSuccessAt: number | undefined;
  private lastLeaseCheck = 0;

  constructor(private readonly options: DispatcherOptions) {
    super(options.log, 'claiming a batch');
    this.auth = new AccountAuth({
      probeIntervalMs: options.hubspot.authProbeIntervalMs,
      shared: options.store.shared,
      log: options.log,
      onPause: options.onAuthPause,
    });
    this.now = options.now ?? Date.now;
  }

  /** New records exist in these groups (or, without groups, somewhere: rescan). */
  override wake(groups?: DeliveryGroup[]): void {
    if (groups) for (const g of groups) this.groups.set(groupKey(g), g);
    else this.lastRescan = 0;
    super.wake();
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  get inflightBatches(): number {
    return this.inflight.size;
  }

  get lastSuccessfulCallAt(): number | undefined {
    return this.lastSuccessAt;
  }

  /** Stops claiming, lets in-flight calls finish within `graceMs`, then aborts them. */
  async stop(graceMs: number): Promise<void> {
    await this.stopLoop();
    const settled = Promise.all([...this.inflight]);
    const timer = setTimeout(() => this.abort.abort(new Error('shutdown grace period over')), graceMs);
    await settled;
    clearTimeout(timer);
  }

  protected async round(): Promise<number> {
    return Math.max(0, (await this.claimRound()) - this.now());
  }

  /** Claims what it can; returns when it next needs to look. */
  private async claimRound(): Promise<number> {
    const { store, hubspot } = this.options;
    const now = this.now();
    if (now - this.lastLeaseCheck >= Math.min(5000, this.leaseMs / 4)) {
      this.lastLeaseCheck = now;
      const released = await store.releaseExpiredLeases(now);
      if (released > 0) {
        this.options.log.warn({ released }, 'records whose batch lease ran out (a replica died mid-call) are pending again');
        this.lastRescan = 0;
      }
    }
    if (now - this.lastRescan >= (this.options.rescanIntervalMs ?? 30_000)) {
      this.lastRescan = now;
      for (const g of await store.pendingGroups()) this.groups.set(groupKey(g), g);
    }
    await this.auth.sync(now);
    let wakeAt = now + 1000;
    const probeAt = this.auth.wakeAt();
    if (probeAt !== undefined) wakeAt = Math.min(wakeAt, Math.max(probeAt, now + 50));
    for (const [key, group] of this.groups) {
      if (this.options.heldTarget && (await this.options.heldTarget(group.targetKey))) continue;
      while (this.running && this.inflight.size < hubspot.maxConcurrentRequests && this.auth.mayClaim(this.now())) {
        const claim = await store.claimBatch(group, {
          now: this.now(),
          batchSize: hubspot.batchSize,
          batchWaitMs: hubspot.batchWaitMs,
          leaseMs: this.leaseMs,
        });
        if (claim.kind === 'claimed') {
          this.auth.claimed();
          this.track(this.deliverClaim(claim.records, claim.claimToken));
          continue;
        }
        if (claim.kind === 'waiting') wakeAt = Math.min(wakeAt, claim.until);
        if (claim.kind === 'empty') {
          if (claim.drained) this.groups.delete(key);
          if (claim.nextAt !== undefined) wakeAt = Math.min(wakeAt, claim.nextAt);
        }
        break;
      }
    }
    return wakeAt;
  }

  private track(delivery: Promise<void>): void {
    const tracked = delivery
      .catch((error) => this.options.log.error({ err: error }, 'delivering a batch failed; its records are re-sent after their lease'))
      .finally(() => {
        this.inflight.delete(tracked);
        this.wakeup.wake();
      });
    this.inflight.add(tracked);
  }

  /** Delivers a claimed batch, renewing its lease while HubSpot is being called. */
  private async deliverClaim(records: DeliveryRecord[], claimToken: string): Promise<void> {
    const leaseMs = this.leaseMs;
    const renew = setInterval(() => {
      this.options.store
        .renewLease(claimToken, this.now() + leaseMs)
        .catch((error) => this.options.log.warn({ err: error }, 'could not renew a batch lease'));
    }, leaseMs / 3);
    try {
      await this.deliverBatch(records, claimToken);
    } finally {
      clearInterval(renew);
    }
  }

  /** Sends one batch and records each input's outcome; a rejected batch is split to find the bad input. */
  private async deliverBatch(records: DeliveryRecord[], claimToken: string): Promise<void> {
    const [first] = records;
    if (!first) return;
    const inputs = records.map((r) => r.input);
    // The fence: right before each try, the claim must still hold its records (renewed in the same statement).
    const stillOurs = () => this.options.store.renewLease(claimToken, this.now() + this.leaseMs);
    const answer = await sendBatch(
      this.options.sender,
      { targetKey: first.targetKey, state: first.state, inputs },
      this.abort.signal,
      stillOurs,
    );
    if (answer.kind === 'withdrawn') {
      // Its lease ran out (this process was frozen or cut off) and another replica has the records now.
      this.auth.unsent();
      this.options.log.warn(
        { event: first.targetKey, state: first.state, inputs: records.length },
        'batch lease lost before a try: dropped unsent, another replica delivers it',
      );
      return;
    }
    const now = this.now();
    await this.auth.observe(answer, now);
    if (answer.kind === 'ok') this.lastSuccessAt = now;
    if (answer.kind === 'transient' && this.abort.signal.aborted) {
      // Cut short by shutdown, not refused by HubSpot: back to pending, no attempt spent.
      const error = 'shutdown before HubSpot answered';
      await this.options.store.completeDeliveries(
        records.map((r) => ({ id: r.id, kind: 'retry', error, notBefore: now, countAttempt: false })),
        now,
        claimToken,
      );
      return;
    }
    const verdict = judgeBatch(records, answer, { now, maxAgeMs: this.options.hubspot.maxDeliveryAgeHours * 3_600_000 });
    if (verdict.split) {
      for (const half of verdict.split) await this.deliverBatch(half, claimToken);
      return;
    }
    const { reasserted } = await this.options.store.completeDeliveries(verdict.outcomes, now, claimToken);
    if (reasserted > 0) {
      this.options.log.warn(
        { event: first.targetKey, state: first.state, reasserted },
        'an older state reached HubSpot after its lease ran out: the newer state is sent again',
      );
      this.wake();
    }
    for (const dead of verdict.outcomes) {
      if (dead.kind !== 'dead') continue;
      this.options.log.warn(
        {
          recordId: dead.id,
          event: first.targetKey,
          state: first.state,
          error: this.options.sender.maskEmails ? maskEmailsIn(dead.error) : dead.error,
        },
        'record dead-lettered',
      );
    }
    if (this.options.onBatch) {
      const delivered = new Set(verdict.outcomes.flatMap((o) => (o.kind === 'delivered' ? [o.id] : [])));
      const settled = verdict.outcomes.flatMap((o) => (o.kind === 'retry' ? [] : [o.id]));
      this.options.onBatch({ delivered: records.filter((r) => delivered.has(r.id)), settled });
    }
  }
}
