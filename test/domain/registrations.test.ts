import { describe, expect, it } from 'vitest';
import { addRegistration, type RegistrationEntry, type RegistrationState } from '../../src/domain/registrations.js';

/** Issue 13, item 5: one register per (source, event, person); another only after a cancel. */

type Notice = [RegistrationState, number];
const R = (at: number): Notice => ['register', at];
const C = (at: number): Notice => ['cancel', at];

/** Applies notices in the order given; what would be sent, as "state@time" (the time HubSpot is told). */
function sent(notices: Notice[], occurredAt: (n: Notice) => number = ([, at]) => at): string[] {
  let entries: RegistrationEntry[] = [];
  const out: string[] = [];
  for (const notice of notices) {
    const step = addRegistration(entries, { state: notice[0], at: notice[1], occurredAt: occurredAt(notice), contact: {} });
    entries = step.entries;
    out.push(...step.toSend.map((e) => `${e.state}@${e.sendAt}`));
  }
  return out;
}

describe('one register per person', () => {
  it.each<[string, Notice[], string[]]>([
    ['one register', [R(1)], ['register@1']],
    ['the same register three times (a notice repeated)', [R(1), R(1), R(1)], ['register@1']],
    ['two registers at different times (Tito finished + ticket.completed)', [R(1), R(2)], ['register@1']],
    ['register, cancel, register', [R(1), C(2), R(3)], ['register@1', 'cancel@2', 'register@3']],
    ['register, cancel, cancel again', [R(1), C(2), C(3)], ['register@1', 'cancel@2']],
    ['a cancel alone', [C(5)], ['cancel@5']],
    ['a late register older than the cancel that followed it', [R(1), C(3), R(2)], ['register@1', 'cancel@3']],
    ['a register and a cancel at the same instant: both sent, the register ordered first', [C(4), R(4)], ['cancel@4', 'register@4']],
    ['a late cancel between two registers splits them', [R(1), R(3), C(2)], ['register@1', 'cancel@2', 'register@3']],
    ['the later register first, the earlier after it', [R(3), R(1)], ['register@3']],
  ])('%s', (_what, notices, expected) => {
    expect(sent(notices)).toEqual(expected);
  });

  it('when a register follows a cancel but carries the first purchase time, then it is sent at its state time (never older than the cancel)', () => {
    // Eventbrite: `created` stays the first purchase; `changed` (the state time) moves.
    const created = 1;
    expect(sent([R(2), C(5), R(9)], ([state, at]) => (state === 'register' ? created : at))).toEqual([
      'register@1',
      'cancel@5',
      'register@9',
    ]);
  });

  it('when a repeat arrives, then it is named a repeat and the entries are unchanged', () => {
    const first = addRegistration([], { state: 'register', at: 1, occurredAt: 1, contact: {} });
    const again = addRegistration(first.entries, { state: 'register', at: 1, occurredAt: 1, contact: {} });
    expect(again).toEqual({ entries: first.entries, toSend: [], repeat: true });
    const later = addRegistration(first.entries, { state: 'register', at: 2, occurredAt: 2, contact: {} });
    expect(later).toMatchObject({ toSend: [], repeat: false });
    expect(later.entries).toHaveLength(2);
  });

  it('when the same notices are processed in every order, then the states sent are the same, one per run', () => {
    const notices: Notice[] = [R(1), R(2), C(3), C(4), R(5), R(6), R(6), C(7)];
    const runs = ['register', 'cancel', 'register', 'cancel'];
    // Every permutation of 8 notices is 40320; a seeded sample of them is enough and fast.
    let seed = 13;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const order = [...notices].sort(() => random() - 0.5);
      const states = sent(order).map((s) => s.split('@')[0]);
      expect(states.sort()).toEqual([...runs].sort());
    }
  });
});
