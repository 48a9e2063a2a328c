import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { targetKey, type HubspotTarget } from '../../domain/event-mappings.js';
import { SUBSCRIBER_STATES, type AttendanceFact, type AttendanceInput, type SubscriberState } from '../../domain/facts.js';
import { RelayError } from '../../http/errors.js';
import type { Source } from '../types.js';

/**
 * The internal source behind the HubSpot-compatible intake: each accepted request is stored as
 * one inbox row of this source (the row id is the batch id), and processing turns it into one
 * `direct` fact per input, joined to the same delivery as webhook records. It receives no
 * webhooks and is not configurable; its id is reserved.
 */
export const HUBSPOT_INTAKE_SOURCE_ID = 'hubspot-intake';

const StringMap = Type.Record(Type.String(), Type.String());

/** What the intake routes store: the target and state from the path, the inputs as HubSpot's schema has them. */
export const IntakeEnvelope = Type.Object({
  v: Type.Literal(1),
  target: Type.Union([
    Type.Object({ kind: Type.Literal('object'), objectId: Type.String({ minLength: 1 }) }),
    Type.Object({ kind: Type.Literal('external'), externalAccountId: Type.String(), externalEventId: Type.String({ minLength: 1 }) }),
  ]),
  state: Type.Unsafe<SubscriberState>({ type: 'string', enum: [...SUBSCRIBER_STATES] }),
  inputs: Type.Array(
    Type.Object({ email: Type.String(), interactionDateTime: Type.Integer(), properties: StringMap, contactProperties: StringMap }),
  ),
});
export type IntakeEnvelope = Static<typeof IntakeEnvelope> & { target: HubspotTarget; inputs: AttendanceInput[] };

export function intakeEnvelope(target: HubspotTarget, state: SubscriberState, inputs: AttendanceInput[]): IntakeEnvelope {
  return { v: 1, target, state, inputs };
}

let envelopeCheck: { Check(value: unknown): boolean } | undefined;

/** One `direct` fact per input, in the order the caller sent them. */
export function intakeFacts(body: unknown): AttendanceFact[] {
  // Compiled on first use, not at import: start-up loads this module.
  if (!(envelopeCheck ??= Compile(IntakeEnvelope)).Check(body)) throw new Error('not a HubSpot intake envelope');
  const envelope = body as IntakeEnvelope;
  const { target, state } = envelope;
  const key = targetKey(target);
  const sourceEventId = target.kind === 'object' ? target.objectId : target.externalEventId;
  return envelope.inputs.map((input) => ({ kind: 'direct', sourceEventId, targetKey: key, state, input }));
}

export function createHubspotIntakeSource(): Source {
  return {
    id: HUBSPOT_INTAKE_SOURCE_ID,
    type: HUBSPOT_INTAKE_SOURCE_ID,
    envelopeSchema: IntakeEnvelope,
    // Direct facts open no sessions: "never", so the stale-session sweep (which looks back the
    // shortest timeout of all sources) is not widened by this source.
    sessionTimeoutMs: Number.MAX_SAFE_INTEGER,
    // Never routed as a webhook: its rows are written by the intake routes.
    verify() {
      throw new RelayError('SOURCE_NOT_FOUND');
    },
    receive() {
      throw new RelayError('SOURCE_NOT_FOUND');
    },
    interpret: intakeFacts,
  };
}
