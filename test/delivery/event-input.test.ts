import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { specSchema } from '../../dev/hubspot-simulator/spec-schema.js';
import { completeTimes, eventCreateInput } from '../../src/delivery/event-input.js';
import { EventMappings } from '../../src/domain/event-mappings.js';
import { marketingEventsPaths } from '../../src/hubspot/api-paths.js';
import { EventNotes } from '../../src/processing/note-events.js';
import type { ManagedEvent } from '../../src/store/ports.js';

// The request schemas of HubSpot's spec (dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json).
const ajv = new Ajv({ strict: false, validateFormats: false });
const validCreate = ajv.compile(specSchema('MarketingEventCreateRequestParams') as object);
const validComplete = ajv.compile(specSchema('MarketingEventCompleteRequestParams') as object);

const mappings = new EventMappings([
  {
    source: 'zoom',
    sourceEventId: '*',
    name: 'Unnamed webinar',
    hubspot: { externalAccountId: 'acct', createEvents: { eventOrganizer: 'Acme', customProperties: { region: 'EU' } } },
  },
  { source: 'eb', sourceEventId: '*', hubspot: { externalAccountId: 'acct' } },
]);

function managed(details: ManagedEvent['details']): ManagedEvent {
  return {
    sourceId: 'zoom',
    sourceEventId: '9',
    targetKey: 'external:acct:9',
    externalAccountId: 'acct',
    externalEventId: '9',
    details,
    detailsChangedAt: 0,
    state: 'pending',
    attempts: 0,
    updatedAt: 0,
  };
}

describe('marketing event inputs', () => {
  it('builds an upsert input the spec accepts, custom properties as full PropertyValues', () => {
    const creation = mappings.creation('zoom', '9');
    if (!creation) throw new Error('mapped with createEvents');
    const input = eventCreateInput(managed({ url: 'https://zoom.us/j/9' }), creation);
    expect(validCreate(input)).toBe(true);
    expect(input).toMatchObject({ eventName: 'Unnamed webinar', eventOrganizer: 'Acme', eventUrl: 'https://zoom.us/j/9' });
    expect(input.customProperties).toEqual([expect.objectContaining({ name: 'region', value: 'EU' })]);
  });

  it('completes with the first actual start, else the scheduled one', () => {
    const end = '2026-01-01T11:00:00.000Z';
    const started = completeTimes(managed({ startsAt: '2026-01-01T10:00:00.000Z', startedAt: '2026-01-01T10:05:00.000Z' }), end);
    expect(started).toEqual({ startDateTime: '2026-01-01T10:05:00.000Z', endDateTime: end });
    expect(validComplete(started)).toBe(true);
    expect(completeTimes(managed({ startsAt: '2026-01-01T10:00:00.000Z' }), end).startDateTime).toBe('2026-01-01T10:00:00.000Z');
  });

  it('builds every path from one base', () => {
    const paths = marketingEventsPaths('2026-09');
    expect(paths.upsert()).toBe('/marketing/marketing-events/2026-09/events/upsert');
    expect(paths.complete('a b', '..')).toBe('/marketing/marketing-events/2026-09/events/%2E%2E/complete?externalAccountId=a+b');
    expect(marketingEventsPaths().cancel('a', 'e')).toBe('/marketing/v3/marketing-events/events/e/cancel?externalAccountId=a');
  });

  it('notes only createEvents mappings, with details, a finish and the first start', () => {
    const notes = new EventNotes(mappings);
    notes.add('eb', { kind: 'event-ended', sourceEventId: '1', occurredAt: 0 });
    notes.add('zoom', { kind: 'event-details', sourceEventId: '9', details: { name: 'Webinar', startedAt: 'first' } });
    notes.add('zoom', { kind: 'event-details', sourceEventId: '9', details: { startedAt: 'second' } });
    notes.add('zoom', { kind: 'event-ended', sourceEventId: '9', occurredAt: Date.parse('2026-01-01T11:00:00Z') });
    expect(notes.list()).toEqual([
      expect.objectContaining({
        sourceEventId: '9',
        targetKey: 'external:acct:9',
        details: { name: 'Webinar', startedAt: 'first' },
        finish: { kind: 'complete', startDateTime: '', endDateTime: '2026-01-01T11:00:00.000Z' },
      }),
    ]);
  });
});
