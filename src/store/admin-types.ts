import type { RecordStatus } from './record-status.js';

/** What operators see and do: listing, replaying, queue depths, a webhook's fate. */

/** What became of one stored webhook and its records (for the HubSpot-compatible intake's batch status). */
export interface WebhookStatus {
  id: number;
  sourceId: string;
  receivedAt: number;
  processedAt?: number;
  /** What processing said (JSON: counts, or `{error}` when it could not be read). */
  outcome?: string;
  records: Array<{ id: number; email: string; state: string; status: RecordStatus; vid?: number; lastError?: string; updatedAt: number }>;
}

export interface RecordFilter {
  status?: RecordStatus;
  sourceId?: string;
  sourceEventId?: string;
  email?: string;
}

/** One record as the admin API and CLI show it. */
export interface AdminRecord {
  id: number;
  sourceId: string;
  sourceEventId: string;
  targetKey: string | null;
  state: string;
  email: string;
  status: RecordStatus;
  attempts: number;
  lastError?: string;
  vid?: number;
  occurredAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface DeadWebhook {
  id: number;
  sourceId: string;
  receivedAt: number;
  attempts: number;
  error?: string;
}

/** A webhook of a source this relay does not have: unprocessed, waiting for a replica (or a restart) that has it. */
export interface WaitingWebhook {
  id: number;
  sourceId: string;
  receivedAt: number;
}

/** A verified webhook its source could not read: kept with the reason, read again by a replay. */
export interface ParkedWebhook {
  id: number;
  sourceId: string;
  receivedAt: number;
  reason: string;
}

/** A parked webhook's stored bytes, for a replay to read again. */
export interface StoredParkedWebhook {
  id: number;
  sourceId: string;
  receivedAt: number;
  body: string;
}

/** What a replay made of a parked webhook: readable now (stored as a new arrival would be), or still parked. */
export type ParkedReading =
  { id: number; readable: true; body: string; needsDetails: boolean } | { id: number; readable: false; reason: string };

export interface QueueStats {
  unprocessedWebhooks: number;
  webhooksAwaitingDetails: number;
  deadWebhooks: number;
  /** Verified webhooks their source could not read, kept until a replay (state=parked). */
  parkedWebhooks: number;
  /** When the oldest pending record was created (epoch ms). */
  oldestPendingAt?: number;
}

/** What operators use: listing, replaying, queue depths. */
export interface AdminQueries {
  /** Newest first; `beforeId` is the paging cursor (the last id of the previous page). */
  listRecords(filter: RecordFilter, limit: number, beforeId?: number): Promise<AdminRecord[]>;
  /** Dead records back to pending, with a fresh attempt count and age. */
  replayDeadRecords(selection: { ids?: number[]; filter?: RecordFilter }, now: number): Promise<number>;
  listDeadWebhooks(limit: number, beforeId?: number): Promise<DeadWebhook[]>;
  /** Webhooks whose details could not be fetched: fetched again. */
  replayDeadWebhooks(ids: number[] | 'all', now: number): Promise<number>;
  queueStats(): Promise<QueueStats>;
  /** Parked webhooks (verified, not readable by their source), newest first. */
  listParkedWebhooks(limit: number, beforeId?: number): Promise<ParkedWebhook[]>;
  /** Parked webhooks to read again, oldest first, ids above `afterId`: those in `ids`, or all. */
  parkedWebhooksToRead(ids: number[] | 'all', limit: number, afterId?: number): Promise<StoredParkedWebhook[]>;
  /** Applies a replay's readings: readable ones are unparked (processed next), the rest keep their new reason. */
  settleParkedWebhooks(readings: ParkedReading[], now: number): Promise<void>;
  /** Unprocessed webhooks of sources not in `known` (the sources this relay has), newest first. */
  listWaitingWebhooks(known: readonly string[], limit: number, beforeId?: number): Promise<WaitingWebhook[]>;
  /** How many webhooks wait, by source id (sources with none are left out). */
  countWaitingWebhooks(known: readonly string[]): Promise<Record<string, number>>;
}
