import type { RelayConfig } from '../../config/schema.js';
import type { DeliveryGroup, SharedDeliveryState } from '../../store/ports.js';

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
