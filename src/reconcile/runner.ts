import { BackgroundLoop } from '../support/background-loop.js';
import type { Log } from '../support/log.js';
import type { ZoomApiClient } from '../sources/zoom/api/client.js';
import type { NewReconcileJob, ReconcileJob, ReconcileJobs } from '../store/ports.js';
import { SCOPE_ADVICE, settlementForFailure } from './outcome.js';
import { runReconcileJob, type ReconcileRun, type ReconcileStore } from './run-job.js';

/** How often the store is asked for due jobs (another replica's, or one due after a restart); a job scheduled here wakes the loop itself. */
export const POLL_MS = 5_000;
/** A claimed job is another replica's to take only after this long (a run pages through the whole report). */
export const LEASE_MS = 10 * 60_000;
const CLAIM_LIMIT = 5;

export interface RunnerDeps {
  store: ReconcileStore & Pick<ReconcileJobs, 'claimReconcileJobs' | 'settleReconcileJob' | 'scheduleReconcileJobs'>;
  /** The Zoom API of each source that has one. */
  clients: ReadonlyMap<string, ZoomApiClient>;
  log: Log;
  /** Counted on /metrics: each run's outcome and the facts it added. */
  observe(sourceId: string, outcome: 'done' | 'retry' | 'dead', added: number): void;
  now?: () => number;
}

/**
 * Runs due reconciliation jobs from the store, on every replica: a claim leases a job (FOR UPDATE
 * SKIP LOCKED on PostgreSQL), so each runs once. Failures are settled by settlementForFailure.
 */
export class ReconcileRunner extends BackgroundLoop {
  private readonly now: () => number;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  /** Per source: Zoom says the app lacks a scope (cleared by the next run that succeeds). */
  readonly scopeProblems = new Map<string, string>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: RunnerDeps) {
    super(deps.log, 'zoom reconciliation');
    this.now = deps.now ?? Date.now;
  }

  /** Stores jobs and wakes the loop when the first is due (no poll delay for a job scheduled here). */
  async schedule(jobs: NewReconcileJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.deps.store.scheduleReconcileJobs(jobs, this.now());
    for (const job of jobs) this.wakeAt(job.dueAt);
  }

  /** Runs one instance now, outside the queue (the admin route and CLI), and returns its counts. */
  async runNow(job: Pick<ReconcileJob, 'sourceId' | 'zoomId' | 'uuid' | 'kind'>): Promise<ReconcileRun> {
    const client = this.deps.clients.get(job.sourceId);
    if (!client) throw new Error(`source "${job.sourceId}" has no Zoom api configured`);
    const run = await runReconcileJob(job, client, this.deps.store, this.now, this.abort.signal);
    this.finished(job, run);
    return run;
  }

  async stop(): Promise<void> {
    for (const timer of this.wakeTimers) clearTimeout(timer);
    this.abort.abort();
    await this.stopLoop();
  }

  private wakeAt(at: number): void {
    const timer = setTimeout(
      () => {
        this.wakeTimers.delete(timer);
        this.wake();
      },
      Math.max(0, at - this.now()) + 10,
    );
    timer.unref();
    this.wakeTimers.add(timer);
  }

  protected async round(): Promise<number | undefined> {
    const sources = [...this.deps.clients.keys()];
    const jobs = await this.deps.store.claimReconcileJobs(this.now(), CLAIM_LIMIT, LEASE_MS, sources);
    for (const job of jobs) {
      if (!this.running) break;
      await this.runClaimed(job);
    }
    return jobs.length === CLAIM_LIMIT ? undefined : POLL_MS;
  }

  private async runClaimed(job: ReconcileJob): Promise<void> {
    const client = this.deps.clients.get(job.sourceId) as ZoomApiClient;
    try {
      const run = await runReconcileJob(job, client, this.deps.store, this.now, this.abort.signal);
      await this.deps.store.settleReconcileJob(job.id, { status: 'done', result: JSON.stringify(run) }, this.now());
      this.finished(job, run);
    } catch (error) {
      if (this.abort.signal.aborted) return; // stopping: the lease runs out and the job is taken again
      const settlement = settlementForFailure(job, error, this.now());
      await this.deps.store.settleReconcileJob(job.id, settlement, this.now());
      if (settlement.status === 'dead' && settlement.error.startsWith(SCOPE_ADVICE)) this.scopeProblems.set(job.sourceId, settlement.error);
      if (settlement.status === 'retry') this.wakeAt(settlement.dueAt);
      this.deps.observe(job.sourceId, settlement.status, 0);
      const level = settlement.status === 'dead' ? 'error' : 'warn';
      this.deps.log[level](
        {
          source: job.sourceId,
          zoomId: job.zoomId,
          uuid: job.uuid,
          job: job.id,
          outcome: settlement.status,
          error: 'error' in settlement ? settlement.error : undefined,
        },
        settlement.status === 'dead' ? 'zoom reconciliation dead (replayable)' : 'zoom reconciliation will be retried',
      );
    }
  }

  private finished(job: Pick<ReconcileJob, 'sourceId' | 'zoomId'>, run: ReconcileRun): void {
    this.scopeProblems.delete(job.sourceId);
    this.deps.observe(job.sourceId, 'done', run.stored);
    this.deps.log.info(
      {
        source: job.sourceId,
        zoomId: job.zoomId,
        uuid: run.uuid,
        participants: run.participants,
        alreadyKnown: run.alreadyKnown,
        added: run.stored,
        withoutEmail: run.withoutEmail,
        registrantsAdded: run.registrants,
      },
      'zoom reconciliation done',
    );
  }
}
