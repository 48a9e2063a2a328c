import type { RelayConfig } from '../../config/schema.js';
import type {
  AdminQueries,
  DeliveryGroup,
  DeliveryQueue,
  InboxStore,
  Maintenance,
  ReconcileJobs,
  ManagedEventsStore,
  RecordMapping,
  SharedDeliveryState,
  WebhookLookup,
} from '../../store/ports.js';

/** The store as the request thread sees it, through the worker: processing lives with the store in its worker. */
export type RequestThreadStore = InboxStore &
  WebhookLookup &
  DeliveryQueue &
  RecordMapping &
  AdminQueries &
  ReconcileJobs &
  Omit<ManagedEventsStore, 'noteEvents' | 'managedEventAccount'> &
  Pick<Maintenance, 'ping' | 'countByStatus' | 'prune'>;

export type ToWorker =
  /** The first message: the thread starts before the configuration is read, so it comes this way. */
  | { type: 'init'; config: RelayConfig }
  | { type: 'call'; id: number; method: string; args: unknown[] }
  | { type: 'start-processing' }
  | { type: 'set-mappings'; events: RelayConfig['events'] }
  | { type: 'set-sources'; sources: RelayConfig['sources'] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; shared: boolean }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; code?: string }
  | { type: 'records'; groups: DeliveryGroup[] }
  /** A stored webhook parked while processing (its source could not read it or its fetched details). */
  | { type: 'parked'; sourceId: string }
  | { type: 'log'; line: string }
  | { type: 'failed'; message: string };

/** The names of T's methods. */
type MethodOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/**
 * One entry per method of the ports, checked both ways by the compiler: a method added to a port
 * the request thread uses fails to compile until it is here, and a name here that no port has
 * fails too. (Types do not exist at run time, so the names are written once, here.)
 */
const STORE_CALLS: Record<MethodOf<RequestThreadStore>, true> = {
  insertWebhooks: true,
  webhookStatus: true,
  releaseInflight: true,
  releaseExpiredLeases: true,
  renewLease: true,
  pendingGroups: true,
  claimBatch: true,
  completeDeliveries: true,
  unmappedEvents: true,
  mapRecords: true,
  listRecords: true,
  replayDeadRecords: true,
  listDeadWebhooks: true,
  replayDeadWebhooks: true,
  queueStats: true,
  listWaitingWebhooks: true,
  listParkedWebhooks: true,
  parkedWebhooksToRead: true,
  settleParkedWebhooks: true,
  countWaitingWebhooks: true,
  scheduleReconcileJobs: true,
  claimReconcileJobs: true,
  settleReconcileJob: true,
  listReconcileJobs: true,
  replayReconcileJob: true,
  knownAttendance: true,
  knownContactKeys: true,
  ping: true,
  countByStatus: true,
  prune: true,
  // HubSpot marketing events the relay creates (createEvents); noteEvents stays in the worker.
  claimDueEvents: true,
  settleEvent: true,
  managedTargetState: true,
  undeliveredRecords: true,
  deadLetterRecordsOf: true,
  reconsiderEvents: true,
  listManagedEvents: true,
};
const SHARED_CALLS: Record<MethodOf<SharedDeliveryState>, true> = {
  takeSendSlot: true,
  settleSendSlot: true,
  addPhantomSends: true,
  sendsInWindow: true,
  setPause: true,
  clearPause: true,
  readPauses: true,
};

export const STORE_METHODS = Object.keys(STORE_CALLS) as Array<MethodOf<RequestThreadStore>>;
export const SHARED_METHODS = Object.keys(SHARED_CALLS) as Array<MethodOf<SharedDeliveryState>>;

/** On the wire a store method goes by its name, a shared-state one as `shared.<name>`. */
export const sharedCallName = (method: MethodOf<SharedDeliveryState>) => `shared.${method}`;

/** Which port object a wire method name calls, and which method of it; an unknown name throws. */
export function resolveCall(wireName: string): { scope: 'store' | 'shared'; method: string } {
  const shared = wireName.startsWith('shared.');
  const method = shared ? wireName.slice('shared.'.length) : wireName;
  if (!Object.hasOwn(shared ? SHARED_CALLS : STORE_CALLS, method)) throw new Error(`unknown store method "${wireName}"`);
  return { scope: shared ? 'shared' : 'store', method };
}
