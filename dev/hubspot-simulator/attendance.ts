import { targetsEmail } from './faults.js';
import { inputError, invalidEmailError, joinedAfterLeftError, type StandardError, type SubscriberEmailResponse } from './responses.js';
import type { AttendanceRow, InputErrorFault, SubscriberState } from './types.js';
import { attendWindow, isPlausibleEmail, type EmailSubscriberInput } from './validate.js';

export interface BatchOutcome {
  results: SubscriberEmailResponse[];
  errors: StandardError[];
  rows: AttendanceRow[];
}

/**
 * Processes a schema-valid batch input by input, as HubSpot does: each input is stored
 * (result), refused (StandardError) or, for `attend` without joinedAt/leftAt, silently skipped.
 */
export function processBatch(batch: {
  inputs: readonly EmailSubscriberInput[];
  eventKey: string;
  state: SubscriberState;
  inputErrors: readonly InputErrorFault[];
  vidFor: (email: string) => number;
}): BatchOutcome {
  const outcome: BatchOutcome = { results: [], errors: [], rows: [] };
  for (const input of batch.inputs) {
    const refusal = refuse(input, batch.state, batch.inputErrors);
    if (refusal === 'skip') continue;
    if (refusal !== undefined) {
      outcome.errors.push(refusal);
      continue;
    }
    const email = input.email.toLowerCase();
    const vid = batch.vidFor(email);
    outcome.results.push({ email, vid });
    outcome.rows.push({
      eventKey: batch.eventKey,
      state: batch.state,
      email,
      vid,
      interactionDateTime: input.interactionDateTime,
      properties: { ...input.properties },
      contactProperties: { ...input.contactProperties },
      at: Date.now(),
    });
  }
  return outcome;
}

function refuse(
  input: EmailSubscriberInput,
  state: SubscriberState,
  inputErrors: readonly InputErrorFault[],
): StandardError | 'skip' | undefined {
  const injected = inputErrors.find((fault) => targetsEmail(fault, input.email));
  if (injected !== undefined) {
    return inputError({
      category: injected.category,
      subCategory: injected.subCategory,
      message: injected.message ?? `Could not record attendance for \`${input.email}\``,
      email: input.email,
    });
  }
  if (!isPlausibleEmail(input.email)) return invalidEmailError(input.email);
  if (state !== 'attend') return undefined;
  const window = attendWindow(input.properties);
  if (window === 'missing') return 'skip';
  return window === 'inverted' ? joinedAfterLeftError(input.email) : undefined;
}
