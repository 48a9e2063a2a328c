import type { RelayConfig } from '../../config/schema.js';
import type {
  AdminQueries,
  DeliveryGroup,
  DeliveryQueue,
  InboxStore,
  Maintenance,
  RecordMapping,
  SharedDeliveryState,
  WebhookLookup,
} from '../../store/ports.js';

/** The store as the request thread sees it, through the worker: processing lives with the store in its worker. */
export type RequestThreadStore = InboxStore & WebhookLookup & DeliveryQueue & RecordMapping & AdminQueries & Pick<Maintenance, 'ping' | 'countByStatus' | 'prune'>;

/** The store methods the request thread calls (through the store worker, see client.ts). */
export const REQUEST_THREAD_METHODS = [
  'ping',
  'insertWebhooks',
  'releaseInflight',
  'releaseExpiredLeases',
  'renewLease',
  'pendingGroups',
  'claimBatch',
  'completeDeliveries',
  'unmappedEvents',
  'mapRecords',
  'countByStatus',
  'prune',
  'webhookStatus',
  'listRecords',
  'replayDeadRecords',
  'listDeadWebhooks',
  'replayDeadWebhooks',
  'queueStats',
  'listWaitingWebhooks',
  'countWaitingWebhooks',
] as const satisfies ReadonlyArray<keyof RequestThreadStore>;

export type ToWorker =
  /** The first message: the thread starts before the configuration is read, so it comes this way. */
  | { type: 'init'; config: RelayConfig }
  | { type: 'call'; id: number; method: string; args: unknown[] }
  | { type: 'start-processing' }
  | { type: 'set-mappings'; events: RelayConfig['events'] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; shared: boolean }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; code?: string }
  | { type: 'records'; groups: DeliveryGroup[] }
  | { type: 'log'; line: string }
  | { type: 'failed'; message: string };

export const SHARED_METHODS = [
  'takeSendSlot',
  'settleSendSlot',
  'addPhantomSends',
  'sendsInWindow',
  'setPause',
  'clearPause',
  'readPauses',
] as const satisfies ReadonlyArray<keyof SharedDeliveryState>;
