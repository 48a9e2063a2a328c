import type { DeliveryGroup, NewWebhook } from '../../store/ports.js';

type Listener<T> = (value: T) => void;

/** Listeners of one signal, called in the order they subscribed. */
class Signal<T> {
  private readonly listeners: Array<Listener<T>> = [];
  on(listener: Listener<T>): void {
    this.listeners.push(listener);
  }
  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}

/**
 * What one stage tells the next without knowing it: the stage that emits a signal does not
 * import the stage that acts on it (processing wakes delivery, delivery wakes `Prefer: wait` requests).
 */
export class PipelineSignals {
  /** Records became deliverable: in these delivery groups, or (undefined) in any group. */
  readonly queued = new Signal<DeliveryGroup[] | undefined>();
  /** A processing round of the store worker finished (it may have created no record). */
  readonly processed = new Signal<void>();
  /** Webhooks were stored by intake (duplicates left out): e.g. a Zoom `ended` schedules a reconciliation. */
  readonly stored = new Signal<NewWebhook[]>();
  /** Records were delivered or dead-lettered (by id). */
  readonly settled = new Signal<number[]>();
}
