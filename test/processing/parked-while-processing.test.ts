import { pino } from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventMappings } from '../../src/domain/event-mappings.js';
import { replayParkedWebhooks } from '../../src/ingest/replay-parked.js';
import { DetailsFetcher } from '../../src/processing/details-fetcher.js';
import { WebhookProcessor } from '../../src/processing/processor.js';
import { createSources } from '../../src/sources/registry.js';
import { DetailsUnreadableError, type Source } from '../../src/sources/types.js';
import type { Store } from '../../src/store/ports.js';
import type { Log } from '../../src/support/log.js';
import { describeEachStore } from '../support/stores.js';

/**
 * Issue 13: a stored webhook its source cannot read while processing (a mapping error, or details
 * fetched but unreadable) is parked with the reason like one refused at receipt: not processed,
 * not dead, listed and counted, and read again by a replay. SQLite and PostgreSQL alike.
 */

const T0 = Date.parse('2026-05-01T12:00:00Z');
const silent = pino({ level: 'silent' }) as unknown as Log;

/** A generic source as the configuration file makes it, looking for the event id at `eventIdPath`. */
function checkin(eventIdPath: string): Map<string, Source> {
  const config = parseConfig(
    {
      hubspot: { accessToken: 'x' },
      sources: [
        {
          id: 'checkin',
          type: 'generic',
          verify: { scheme: 'bearer', token: 'a-bearer-token-of-the-tests-0123456789' },
          map: {
            eventType: 'type',
            states: { 'guest.registered': 'register' },
            email: 'data.email',
            occurredAt: 'data.created_at',
            sourceEventId: eventIdPath,
          },
        },
      ],
    },
    {},
  );
  return createSources(config.sources);
}

const body = JSON.stringify({
  type: 'guest.registered',
  data: { email: 'late@example.com', created_at: '2026-05-01T11:00:00Z', event_id: 'conf-2026' },
});

describeEachStore('parks what cannot be read while processing', (harness) => {
  let store: Store;
  let parkedSources: string[];

  beforeEach(() => {
    store = harness().store;
    parkedSources = [];
  });

  const processor = (sources: Map<string, Source>) =>
    new WebhookProcessor({
      store,
      sources,
      mappings: () => new EventMappings([{ source: 'checkin', sourceEventId: '*', hubspot: { objectId: '7070' } }]),
      log: silent,
      onRecords: () => undefined,
      now: () => T0,
      maxEventTimeAheadMs: 15 * 60_000,
      onParked: (sourceId) => parkedSources.push(sourceId),
    });

  it('when the mapping cannot read a stored webhook, then it is parked with the reason; after a fix a replay reads it and it is processed', async () => {
    // Stored by a relay whose mapping read it (e.g. before an upgrade or a configuration change).
    const [stored] = await store.insertWebhooks([{ sourceId: 'checkin', dedupKey: 'id:msg_1', receivedAt: T0, body }]);
    const broken = checkin('data.event');
    expect(await processor(broken).processRound()).toBe(1);

    expect(await store.listParkedWebhooks(10)).toEqual([
      {
        id: stored?.id,
        sourceId: 'checkin',
        receivedAt: T0,
        reason: expect.stringMatching(/^generic source "checkin": map\.sourceEventId \(data\.event\) has no value/),
      },
    ]);
    expect(await store.webhookStatus(stored?.id as number)).toMatchObject({ processedAt: undefined });
    expect(await store.queueStats()).toMatchObject({ parkedWebhooks: 1, unprocessedWebhooks: 0, deadWebhooks: 0 });
    expect(parkedSources).toEqual(['checkin']);
    expect(await processor(broken).processRound()).toBe(0);

    const fixed = checkin('data.event_id');
    expect(await replayParkedWebhooks(store, fixed, 'all', T0)).toEqual({ replayed: 1, stillParked: 0 });
    expect(await processor(fixed).processRound()).toBe(1);
    expect(await store.listParkedWebhooks(10)).toEqual([]);
    expect((await store.listRecords({}, 10)).map((r) => [r.state, r.email, r.targetKey])).toEqual([
      ['register', 'late@example.com', 'object:7070'],
    ]);
  });

  it('when fetched details cannot be read, then the webhook is parked (not dead) with the reason, and a replay fetches them again', async () => {
    const source = checkin('data.event_id').get('checkin') as Source;
    let answer: 'unreadable' | 'fine' = 'unreadable';
    // The real generic source, given a details fetch (as Eventbrite's): the platform's answer decides.
    const fetching: Source = {
      ...source,
      receive: (request) => {
        const verdict = source.receive(request);
        return verdict.kind === 'store' ? { ...verdict, needsDetails: true } : verdict;
      },
      fetchDetails: async () => {
        if (answer === 'unreadable')
          throw new DetailsUnreadableError('the platform answered an unexpected object: order.attendees is missing');
        return { fetched: true };
      },
    };
    const sources = new Map([['checkin', fetching]]);
    const [stored] = await store.insertWebhooks([{ sourceId: 'checkin', dedupKey: 'id:msg_2', receivedAt: T0, body, needsDetails: true }]);
    let ready = 0;
    const fetcher = new DetailsFetcher({
      store,
      sources,
      log: silent,
      onReady: () => ready++,
      onParked: (sourceId) => parkedSources.push(sourceId),
      now: () => T0,
    });
    await (fetcher as unknown as { round(): Promise<unknown> }).round();

    expect(await store.listParkedWebhooks(10)).toEqual([
      {
        id: stored?.id,
        sourceId: 'checkin',
        receivedAt: T0,
        reason: 'the platform answered an unexpected object: order.attendees is missing',
      },
    ]);
    expect(await store.listDeadWebhooks(10)).toEqual([]);
    expect(parkedSources).toEqual(['checkin']);
    expect(await store.claimWebhooksNeedingDetails(T0 + 3_600_000, 10, 60_000)).toEqual([]);

    answer = 'fine';
    expect(await replayParkedWebhooks(store, sources, 'all', T0)).toEqual({ replayed: 1, stillParked: 0 });
    await (fetcher as unknown as { round(): Promise<unknown> }).round();
    expect(ready).toBe(1);
    expect(await processor(sources).processRound()).toBe(1);
    expect((await store.listRecords({}, 10)).map((r) => r.state)).toEqual(['register']);
  });
});
