import { describe, expect, it } from 'vitest';
import { boundEventTimes } from '../../src/domain/time-bound.js';
import type { AttendanceFact } from '../../src/domain/facts.js';

const ARRIVED = Date.parse('2026-11-20T15:00:00Z');
const MAX_AHEAD = 15 * 60_000;
const contact = { email: 'ada@example.com' };

describe('event times ahead of the webhook', () => {
  it('when a join lies 400 days after the webhook arrived, then the arrival time is used and the field is named', () => {
    const fact: AttendanceFact = { kind: 'joined', sourceEventId: '1', occurredAt: ARRIVED + 400 * 86_400_000, contact };
    const { fact: bounded, clamped } = boundEventTimes(fact, ARRIVED, MAX_AHEAD);
    expect(bounded).toEqual({ ...fact, occurredAt: ARRIVED });
    expect(clamped).toEqual(['occurredAt 2027-12-25T15:00:00.000Z']);
  });

  it('when a time is ahead by no more than the bound (clocks differ), then it is kept', () => {
    const fact: AttendanceFact = { kind: 'registered', sourceEventId: '1', occurredAt: ARRIVED + MAX_AHEAD, contact };
    expect(boundEventTimes(fact, ARRIVED, MAX_AHEAD)).toEqual({ fact, clamped: [] });
  });

  it("when a whole attendance starts in the future, then its start is bounded but its leftAt (often the event's planned end) is not", () => {
    const fact: AttendanceFact = {
      kind: 'attended',
      sourceEventId: '1',
      occurredAt: ARRIVED + 86_400_000,
      joinedAt: ARRIVED + 86_400_000,
      leftAt: ARRIVED + 2 * 86_400_000,
      contact,
    };
    const { fact: bounded, clamped } = boundEventTimes(fact, ARRIVED, MAX_AHEAD);
    expect(bounded).toEqual({ ...fact, occurredAt: ARRIVED, joinedAt: ARRIVED });
    expect(clamped).toHaveLength(2);
  });

  it('when a fact carries scheduled times (a webinar months ahead), then they are not touched', () => {
    const fact: AttendanceFact = {
      kind: 'event-scheduled',
      sourceEventId: '1',
      startsAt: ARRIVED + 90 * 86_400_000,
      endsAt: ARRIVED + 90 * 86_400_000 + 3_600_000,
    };
    expect(boundEventTimes(fact, ARRIVED, MAX_AHEAD)).toEqual({ fact, clamped: [] });
  });
});
