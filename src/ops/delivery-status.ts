import type { AuthFailure } from '../delivery/auth-pause.js';
import type { SendGateState } from '../delivery/send-gate.js';

/**
 * What the health and admin routes read of delivery, and the one thing they ask of it (wake
 * after a replay). The Dispatcher satisfies it; the routes never see the class.
 */
export interface DeliveryStatus {
  readonly auth: { readonly current: AuthFailure | undefined };
  readonly inflightBatches: number;
  readonly lastSuccessfulCallAt: number | undefined;
  wake(): void;
}

/** The send window and 429 pause as the routes report them (any SendGate satisfies it). */
export interface SendWindowStatus {
  state(): SendGateState;
}
