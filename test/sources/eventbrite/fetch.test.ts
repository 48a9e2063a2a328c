import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventbriteClient } from '../../../src/sources/eventbrite/client.js';
import { retryAfterMs } from '../../../src/support/retry-after.js';
import type { EventbriteSourceConfig } from '../../../src/sources/eventbrite/config.js';
import { createEventbriteSource } from '../../../src/sources/eventbrite/index.js';
import type { EventbriteDetails } from '../../../src/sources/eventbrite/payloads.js';
import { DetailsFetchError, DetailsUnreadableError, type Source } from '../../../src/sources/types.js';
import {
  DEFAULT_EVENTBRITE_TOKEN,
  eventbriteNotice,
  startEventbriteSimulator,
  type EventbriteSimulator,
} from '../../simulators/eventbrite/index.js';
import { waitFor } from '../../support/wait.js';

const EVENT = '717926867587';

let sim: EventbriteSimulator;
let source: Source;
const signal = new AbortController().signal;

function config(overrides: Partial<EventbriteSourceConfig> = {}): EventbriteSourceConfig {
  return {
    id: 'eventbrite',
    type: 'eventbrite',
    webhookToken: 'webhook-token-0123456789abcdef',
    apiToken: DEFAULT_EVENTBRITE_TOKEN,
    apiBaseUrl: sim.apiBaseUrl,
    requestsPerHour: 2000,
    requestsPerDay: 48_000,
    requestTimeoutMs: 1000,
    eventCacheMinutes: 60,
    ...overrides,
  };
}

async function fetchDetails(action: string, apiUrl: string, from: Source = source): Promise<EventbriteDetails> {
  return (await from.fetchDetails?.(eventbriteNotice(action, apiUrl), signal)) as EventbriteDetails;
}

async function fetchError(action: string, apiUrl: string, from: Source = source): Promise<DetailsFetchError> {
  try {
    await fetchDetails(action, apiUrl, from);
  } catch (error) {
    expect(error).toBeInstanceOf(DetailsFetchError);
    return error as DetailsFetchError;
  }
  throw new Error('expected the fetch to fail');
}

beforeEach(async () => {
  sim = await startEventbriteSimulator();
  sim.addEvent({ id: EVENT, start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' });
  source = createEventbriteSource(config());
});

afterEach(async () => {
  await sim.close();
});

describe('Eventbrite details fetch', () => {
  it('when order.placed names an order, then the order is fetched once with expand=attendees and the Bearer token, then its event', async () => {
    const { order } = sim.addOrder({
      eventId: EVENT,
      attendees: [{ email: 'a@example.com', firstName: 'Ann' }, { email: 'b@example.com' }],
    });
    const details = await fetchDetails('order.placed', sim.orderUrl(order.id));
    expect(details).toMatchObject({ resource: 'order', orderStatus: 'placed' });
    expect(details.attendees.map((a) => [a.profile.email, a.event_id])).toEqual([
      ['a@example.com', EVENT],
      ['b@example.com', EVENT],
    ]);
    expect(sim.calls()).toEqual([
      expect.objectContaining({
        path: `/v3/orders/${order.id}/`,
        query: { expand: 'attendees' },
        token: DEFAULT_EVENTBRITE_TOKEN,
        status: 200,
      }),
      // For an event the relay creates (createEvents): its name, times and link from the first order.
      expect.objectContaining({ path: `/v3/events/${EVENT}/`, status: 200 }),
    ]);
    expect(Object.keys(details.events ?? {})).toEqual([EVENT]);
  });

  it('when attendee.updated names an attendee, then only the attendee is fetched (no event)', async () => {
    const { attendees } = sim.addOrder({ eventId: EVENT, attendees: [{ email: 'a@example.com' }] });
    const details = await fetchDetails('attendee.updated', sim.attendeeUrl(attendees[0]?.id ?? ''));
    expect(details.resource).toBe('attendee');
    expect(details.events).toBeUndefined();
    expect(sim.calls().map((c) => c.path)).toEqual([`/v3/events/${EVENT}/attendees/${attendees[0]?.id}/`]);
  });

  it('when event.updated names an event, then the event is fetched fresh (past the cache) and renews the cache', async () => {
    const { order } = sim.addOrder({ eventId: EVENT, attendees: [{ email: 'a@example.com' }] });
    await fetchDetails('order.placed', sim.orderUrl(order.id)); // caches the event
    sim.updateEvent(EVENT, { name: 'Renamed', status: 'canceled' });
    const details = await fetchDetails('event.updated', sim.eventUrl(EVENT));
    expect(details).toEqual({
      resource: 'event',
      attendees: [],
      events: { [EVENT]: expect.objectContaining({ name: 'Renamed', status: 'canceled' }) },
    });
    await fetchDetails('order.placed', sim.orderUrl(order.id));
    expect(sim.calls().map((c) => c.path)).toEqual([
      `/v3/orders/${order.id}/`,
      `/v3/events/${EVENT}/`,
      `/v3/events/${EVENT}/`,
      `/v3/orders/${order.id}/`,
    ]);
  });

  it('when check-ins of one event arrive together, then the event is fetched once and cached', async () => {
    const { attendees } = sim.addOrder({
      eventId: EVENT,
      attendees: [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }],
    });
    for (const a of attendees) sim.checkIn(a.id, '2026-11-20T15:10:00Z');
    const all = await Promise.all(attendees.map((a) => fetchDetails('barcode.checked_in', sim.attendeeUrl(a.id))));
    // Name, link and description are kept too since issue 14 (for createEvents).
    for (const details of all) {
      expect(details.events).toEqual({ [EVENT]: expect.objectContaining({ start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' }) });
    }
    await fetchDetails('attendee.checked_in', sim.attendeeUrl(attendees[0]?.id ?? ''));
    expect(sim.calls().filter((c) => c.path === `/v3/events/${EVENT}/`)).toHaveLength(1);
  });

  it('when the event cannot be read (404), then the check-in is still fetched, without an event end', async () => {
    const { attendees } = sim.addOrder({ eventId: '999', attendees: [{ email: 'a@example.com' }] });
    sim.checkIn(attendees[0]?.id ?? '', '2026-11-20T15:10:00Z');
    const details = await fetchDetails('barcode.checked_in', sim.attendeeUrl(attendees[0]?.id ?? ''));
    expect(details.events).toBeUndefined();
    expect(details.attendees[0]?.checked_in).toBe(true);
  });

  it('when a slow answer for an older state arrives after a newer one, then the older is marked stale', async () => {
    const { attendees } = sim.addOrder({ eventId: EVENT, attendees: [{ email: 'a@example.com' }] });
    const id = attendees[0]?.id ?? '';
    sim.inject({ kind: 'latency', ms: 300 });
    const seen = sim.calls().length;
    const slow = fetchDetails('attendee.updated', sim.attendeeUrl(id)); // reads "Attending" now, answers late
    await waitFor(() => sim.calls().length > seen, 'the slow request to reach Eventbrite');
    sim.cancelAttendee(id);
    const fresh = await fetchDetails('attendee.updated', sim.attendeeUrl(id));
    expect(fresh.stale).toBeUndefined();
    const late = await slow;
    expect(late.stale).toEqual([id]);
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [404, false],
    [401, false],
    [403, false],
    [400, false],
  ])('when Eventbrite answers %i, then retryable is %s and the message says what came back', async (status, retryable) => {
    sim.inject({ kind: 'status', status });
    const error = await fetchError('order.placed', sim.orderUrl('1'));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`Eventbrite GET /v3/orders/1/: ${status}`);
  });

  it('when the order does not exist, then 404 NOT_FOUND, not retryable', async () => {
    const error = await fetchError('order.placed', sim.orderUrl('404404'));
    expect([error.retryable, error.message]).toEqual([false, expect.stringContaining('404 NOT_FOUND')]);
  });

  it('when the API token is refused, then not retryable, saying so, and the token is nowhere in the message', async () => {
    const refused = createEventbriteSource(config({ apiToken: 'wrong-api-token-xyz' }));
    const error = await fetchError('order.placed', sim.orderUrl('1'), refused);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Eventbrite refused the API token');
    expect(error.message).not.toContain('wrong-api-token-xyz');
  });

  it('when Eventbrite answers 429 with Retry-After, then retryable after that long, and no further call goes out until then', async () => {
    const { order } = sim.addOrder({ eventId: EVENT, attendees: [{ email: 'a@example.com' }] });
    sim.inject({ kind: 'rate-limit', retryAfterSeconds: 7 });
    const error = await fetchError('order.placed', sim.orderUrl(order.id));
    expect([error.retryable, error.retryAfterMs]).toEqual([true, 7000]);
    expect(error.message).toContain('HIT_RATE_LIMIT');
    const paused = await fetchError('order.placed', sim.orderUrl(order.id));
    expect(paused.retryable).toBe(true);
    expect(paused.retryAfterMs).toBeGreaterThan(5000);
    expect(sim.calls()).toHaveLength(1);
  });

  it('when Eventbrite answers 429 without Retry-After, then every call pauses 30 s', async () => {
    sim.inject({ kind: 'rate-limit' });
    const error = await fetchError('order.placed', sim.orderUrl('1'));
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('when the answer is slower than requestTimeoutMs, then a retryable timeout', async () => {
    const quick = createEventbriteSource(config({ requestTimeoutMs: 200 }));
    sim.inject({ kind: 'latency', ms: 1000 });
    const error = await fetchError('order.placed', sim.orderUrl('1'), quick);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('no answer within 200 ms') });
  });

  it('when the connection drops, then retryable', async () => {
    sim.inject({ kind: 'drop' });
    expect((await fetchError('order.placed', sim.orderUrl('1'))).retryable).toBe(true);
  });

  it('when the client-side hourly budget is used up, then the next fetch is rescheduled without calling Eventbrite', async () => {
    const small = createEventbriteSource(config({ requestsPerHour: 2 }));
    const { attendees } = sim.addOrder({ eventId: EVENT, attendees: [{ email: 'a@example.com' }] });
    const url = sim.attendeeUrl(attendees[0]?.id ?? '');
    await fetchDetails('attendee.updated', url, small);
    await fetchDetails('attendee.updated', url, small);
    const error = await fetchError('attendee.updated', url, small);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('call budget used up (2 per hour') });
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(sim.calls()).toHaveLength(2);
  });

  it('when Eventbrite answers something that is not an order, then unreadable (the webhook is parked), naming the field', async () => {
    const error = await fetchError('order.placed', `${sim.apiBaseUrl}/events/${EVENT}/`);
    expect(error.retryable).toBe(false);
    expect(error).toBeInstanceOf(DetailsUnreadableError);
    expect(error.message).toContain('unexpected object');
  });

  it('when a stored notice points outside apiBaseUrl (e.g. the base changed since), then nothing is fetched', async () => {
    const error = await fetchError('order.placed', 'https://evil.example.com/v3/orders/1/');
    expect([error.retryable, error.message]).toEqual([false, 'api_url is not under apiBaseUrl: not fetched']);
    expect(sim.calls()).toHaveLength(0);
  });

  it('when shutdown aborts a fetch waiting for a slow answer, then the abort propagates (the lease brings it back later)', async () => {
    sim.inject({ kind: 'latency', ms: 800 });
    const controller = new AbortController();
    const pending = source.fetchDetails?.(eventbriteNotice('order.placed', sim.orderUrl('1')), controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.not.toBeInstanceOf(DetailsFetchError);
  });
});

describe('Retry-After', () => {
  it('when given in seconds or as an HTTP date, then both are read; garbage is ignored', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Fri, 20 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('when the client is asked how many calls it made, then it counts the last hour', async () => {
    const client = new EventbriteClient({
      apiToken: DEFAULT_EVENTBRITE_TOKEN,
      requestTimeoutMs: 1000,
      requestsPerHour: 10,
      requestsPerDay: 100,
    });
    await client.getJson(new URL(`${sim.apiBaseUrl}/events/${EVENT}/`), signal);
    expect(client.callsInLastHour()).toBe(1);
  });
});
