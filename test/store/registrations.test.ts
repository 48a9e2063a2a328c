import { beforeEach, expect, it } from 'vitest';
import { EventMappings } from '../../src/domain/event-mappings.js';
import type { AttendanceFact } from '../../src/domain/facts.js';
import { applyFact } from '../../src/domain/interpret.js';
import { WorkingSet } from '../../src/domain/working-set.js';
import type { Store } from '../../src/store/ports.js';
import { describeEachStore } from '../support/stores.js';

/**
 * The store keeps what "one register per person" needs (issue 13, item 5; src/domain/registrations.ts),
 * on SQLite and PostgreSQL alike: each notice below is its own processing round, so everything the
 * rule knows of earlier notices comes back from the store.
 */

const T0 = Date.parse('2026-05-01T12:00:00Z');
const PERSON = { sourceId: 'tito', sourceEventId: 'awesomeconf', email: 'jailyn@example.com' };

const notice = (kind: 'registered' | 'cancelled', minutes: number, email = 'Jailyn@Example.com'): AttendanceFact => ({
  kind,
  sourceEventId: PERSON.sourceEventId,
  occurredAt: T0 + minutes * 60_000,
  contact: { email, firstName: 'Jailyn' },
});

describeEachStore('keeps registration states', (harness) => {
  let store: Store;
  let delivered = 0;

  beforeEach(() => {
    store = harness().store;
  });

  /** One processing round per notice, each its own webhook; the states of the records it made. */
  async function process(facts: AttendanceFact[]): Promise<string[]> {
    const states: string[] = [];
    for (const fact of facts) {
      const [row] = await store.insertWebhooks([{ sourceId: 'tito', dedupKey: `notice-${++delivered}`, receivedAt: T0, body: '{}' }]);
      const turn = await store.processExclusively(async (view) => {
        const work = new WorkingSet(view);
        const outcome = { records: 0, guests: 0, invalidEmails: 0, repeats: 0 };
        const inbox = { id: row?.id as number, sourceId: 'tito', receivedAt: T0, body: '{}' };
        await applyFact({ source: { id: 'tito' }, mappings: new EventMappings([]), work }, inbox, fact, outcome);
        work.processed.push({ inboxId: inbox.id, outcome: JSON.stringify(outcome) });
        await view.commitEffects(work.effects(), T0);
        return work.records.map((r) => `${r.state}@${(r.occurredAt - T0) / 60_000}`);
      });
      if (turn.ran) states.push(...turn.value);
    }
    return states;
  }

  it('when one person registers three times in three rounds, then one register; the entries are kept with the one sent', async () => {
    expect(await process([notice('registered', 1), notice('registered', 1), notice('registered', 2)])).toEqual(['register@1']);
    const entries = await store.findRegistrations(PERSON);
    expect(entries.sort((a, b) => a.at - b.at)).toEqual([
      {
        state: 'register',
        at: T0 + 60_000,
        occurredAt: T0 + 60_000,
        sent: true,
        contact: { email: 'jailyn@example.com', firstName: 'Jailyn' },
      },
      {
        state: 'register',
        at: T0 + 120_000,
        occurredAt: T0 + 120_000,
        sent: false,
        contact: { email: 'jailyn@example.com', firstName: 'Jailyn' },
      },
    ]);
  });

  it('when registered, cancelled and registered again, then register, cancel, register; another person or event is apart', async () => {
    expect(await process([notice('registered', 1), notice('cancelled', 2), notice('registered', 3)])).toEqual([
      'register@1',
      'cancel@2',
      'register@3',
    ]);
    expect(await process([notice('registered', 1, 'other@example.com')])).toEqual(['register@1']);
    expect(await store.findRegistrations({ ...PERSON, sourceEventId: 'another' })).toEqual([]);
  });

  it('when a late cancel lands between two registers of earlier rounds, then the cancel and the second register are sent then', async () => {
    expect(await process([notice('registered', 1), notice('registered', 3)])).toEqual(['register@1']);
    expect(await process([notice('cancelled', 2)])).toEqual(['cancel@2', 'register@3']);
    expect((await store.findRegistrations(PERSON)).every((e) => e.sent)).toBe(true);
  });
});
