/** Zoom reconciliation jobs (issue 18): durable, claimed with a lease so replicas run each once. */

export type ReconcileKind = 'webinar' | 'meeting';
/** Why the job exists: an `*.ended` webhook, no `ended` long after the scheduled end, or an operator. */
export type ReconcileReason = 'ended' | 'missed-end' | 'manual';
export type ReconcileStatus = 'pending' | 'done' | 'dead' | 'superseded';

export interface NewReconcileJob {
  sourceId: string;
  /** The Zoom webinar or meeting id. */
  zoomId: string;
  /** The instance's uuid; '' for the latest instance (what Zoom's report returns for an id). */
  uuid: string;
  kind: ReconcileKind;
  reason: ReconcileReason;
  dueAt: number;
}

export interface ReconcileJob extends NewReconcileJob {
  id: number;
  status: ReconcileStatus;
  attempts: number;
  /** Since when Zoom has answered 404 (report not ready): retried for a bounded time. */
  notReadySince?: number;
  leaseUntil?: number;
  lastError?: string;
  /** The counts of the run that finished it (JSON). */
  result?: string;
  createdAt: number;
  updatedAt: number;
}

export type ReconcileSettlement =
  | { status: 'done'; result: string }
  | { status: 'retry'; dueAt: number; error: string; countAttempt: boolean; notReadySince?: number }
  | { status: 'dead'; error: string };

/** What processing already knows of one instance's attendance (to count what a report adds). */
export interface KnownAttendance {
  email: string;
  firstJoin?: number;
  lastLeave?: number;
}

export interface ReconcileJobs {
  /**
   * Inserts jobs not there yet (one per source, id and uuid). An `ended` job supersedes the pending
   * `missed-end` one of the same id; a `manual` one makes an existing job pending and due again.
   */
  scheduleReconcileJobs(jobs: NewReconcileJob[], now: number): Promise<number>;
  /** Due pending jobs of `sources`, leased until now + leaseMs (their due time moves there). */
  claimReconcileJobs(now: number, limit: number, leaseMs: number, sources: readonly string[]): Promise<ReconcileJob[]>;
  settleReconcileJob(id: number, settlement: ReconcileSettlement, now: number): Promise<void>;
  listReconcileJobs(limit: number): Promise<ReconcileJob[]>;
  /** A dead job made pending and due now; false when no dead job has this id. */
  replayReconcileJob(id: number, now: number): Promise<boolean>;
  knownAttendance(sourceId: string, zoomId: string, occurrence: string): Promise<KnownAttendance[]>;
  /** Which of these contact keys (e.g. `registrant:<id>`) processing has seen for the source. */
  knownContactKeys(sourceId: string, keys: readonly string[]): Promise<string[]>;
}
