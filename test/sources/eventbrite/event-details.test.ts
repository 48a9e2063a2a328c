import { describe, expect, it } from 'vitest';
import { eventSchedule } from '../../../src/sources/eventbrite/fetch.js';
import { eventbriteFacts } from '../../../src/sources/eventbrite/map.js';
import type { EventbriteEnvelope } from '../../../src/sources/eventbrite/payloads.js';

// An event as Eventbrite's API v3 returns it (name/description as { text, html }, url, start/end with utc):
// https://www.eventbrite.com/platform/api#/reference/event/retrieve/retrieve-an-event (fields trimmed).
const FETCHED = {
  id: '717926867587',
  name: { text: 'Expo 2026', html: 'Expo 2026' },
  description: { text: 'The yearly expo', html: '<p>The yearly expo</p>' },
  url: 'https://www.eventbrite.com/e/expo-2026-tickets-717926867587',
  start: { timezone: 'UTC', local: '2026-11-20T15:00:00', utc: '2026-11-20T15:00:00Z' },
  end: { timezone: 'UTC', local: '2026-11-20T17:00:00', utc: '2026-11-20T17:00:00Z' },
};

describe('Eventbrite event details for createEvents (issue 14)', () => {
  it('keeps the fetched name, link and description, and reports them as event details', () => {
    const schedule = eventSchedule(FETCHED);
    expect(schedule).toEqual({
      start: '2026-11-20T15:00:00Z',
      end: '2026-11-20T17:00:00Z',
      name: 'Expo 2026',
      url: FETCHED.url,
      description: 'The yearly expo',
    });
    const envelope = { config: { action: 'attendee.checked_in' }, api_url: 'https://www.eventbriteapi.com/v3/attendees/1/' };
    const facts = eventbriteFacts(envelope as EventbriteEnvelope, {
      resource: 'attendee',
      attendees: [],
      events: { [FETCHED.id]: schedule },
    });
    expect(facts).toContainEqual({
      kind: 'event-details',
      sourceEventId: FETCHED.id,
      details: { name: 'Expo 2026', url: FETCHED.url, description: 'The yearly expo' },
    });
  });

  it('reads the status; an event fetched as canceled (event.updated) is a cancelled event-details fact', () => {
    // Event object `status`: "One of canceled, live, started, ended, completed"
    // (https://www.eventbrite.com/developer/v3/response_formats/event/).
    const schedule = eventSchedule({ ...FETCHED, status: 'canceled' });
    expect(schedule.status).toBe('canceled');
    const envelope = { config: { action: 'event.updated' }, api_url: `https://www.eventbriteapi.com/v3/events/${FETCHED.id}/` };
    const facts = eventbriteFacts(envelope as EventbriteEnvelope, { resource: 'event', attendees: [], events: { [FETCHED.id]: schedule } });
    expect(facts).toContainEqual(expect.objectContaining({ kind: 'event-details', sourceEventId: FETCHED.id, cancelled: true }));
    const live = eventbriteFacts(envelope as EventbriteEnvelope, {
      resource: 'event',
      attendees: [],
      events: { [FETCHED.id]: eventSchedule({ ...FETCHED, status: 'live' }) },
    });
    expect(live.filter((f) => f.kind === 'event-details')).toEqual([
      {
        kind: 'event-details',
        sourceEventId: FETCHED.id,
        details: { name: 'Expo 2026', url: FETCHED.url, description: 'The yearly expo' },
      },
    ]);
  });
});
