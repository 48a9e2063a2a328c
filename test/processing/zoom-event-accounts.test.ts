import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventMappings, type EventMapping } from '../../src/domain/event-mappings.js';
import { WebhookProcessor } from '../../src/processing/processor.js';
import { createZoomSource } from '../../src/sources/zoom/index.js';
import { zoomAccountId } from '../../src/sources/zoom/map.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/ports.js';
import type { Log } from '../../src/support/log.js';
import { tempDir } from '../support/temp.js';
import meetingStarted from '../fixtures/zoom/meeting.started.json' with { type: 'json' };
import { participantEvent, registrationEvent } from '../support/zoom.js';

/**
 * Issue 14's pinned default: with createEvents and no externalAccountId, the HubSpot event's external
 * account is the webhook's Zoom `account_id` (else the source id); a configured one always wins.
 */

const WEBINAR = '81234567890';
const HOUR = 3_600_000;
const ada = { email: 'ada@example.com', registrantId: 'reg-ada' };

let dir: { dir: string; remove: () => void };
let store: Store;
let now: number;
let dedup = 0;

function processor(hubspot: EventMapping['hubspot']): WebhookProcessor {
  return new WebhookProcessor({
    store,
    sources: new Map([
      ['zoom', createZoomSource({ id: 'zoom', type: 'zoom', secretToken: 's', timestampToleranceSeconds: 5400, sessionTimeoutHours: 12 })],
    ]),
    mappings: () => new EventMappings([{ source: 'zoom', sourceEventId: '*', hubspot }]),
    log: pino({ level: 'silent' }) as unknown as Log,
    onRecords: () => undefined,
    now: () => now,
    maxEventTimeAheadMs: 15 * 60_000,
  });
}

async function round(hubspot: EventMapping['hubspot'], ...bodies: unknown[]): Promise<void> {
  await store.insertWebhooks(
    bodies.map((body) => ({ sourceId: 'zoom', dedupKey: `webhook-${++dedup}`, receivedAt: now, body: JSON.stringify(body) })),
  );
  await processor(hubspot).processRound();
}

function rows(sql: string): Array<Record<string, unknown>> {
  const db = new Database(join(dir.dir, 'relay.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

const targets = () => rows('SELECT state, target_key FROM records ORDER BY id').map((r) => `${r.state} ${r.target_key}`);
const managed = () => rows('SELECT target_key, external_account_id FROM hubspot_events');
const withAccount = (body: ReturnType<typeof registrationEvent>, account: string | undefined) => ({
  ...body,
  payload: { ...body.payload, account_id: account },
});

beforeEach(async () => {
  dir = tempDir('zoom-accounts-');
  store = openSqliteStore(`sqlite:${join(dir.dir, 'relay.db')}`);
  await store.migrate();
  now = Date.parse('2026-11-20T17:00:00Z');
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

describe('the external account of an event the relay creates', () => {
  it("reads Zoom's account_id from its documented webhook example", () => {
    expect(zoomAccountId(meetingStarted as never)).toBe('Wk9PTV9BQ0NPVU5UX0lE');
    expect(zoomAccountId({ event: 'meeting.started', payload: {} } as never)).toBeUndefined();
  });

  it("defaults to the webhook's Zoom account_id", async () => {
    await round({ createEvents: { eventOrganizer: 'Acme' } }, registrationEvent('created', WEBINAR, ada));
    expect(targets()).toEqual([`register external:test-account:${WEBINAR}`]);
    expect(managed()).toEqual([{ target_key: `external:test-account:${WEBINAR}`, external_account_id: 'test-account' }]);
  });

  it('falls back to the source id when the payload names no account', async () => {
    await round({ createEvents: { eventOrganizer: 'Acme' } }, withAccount(registrationEvent('created', WEBINAR, ada), undefined));
    expect(targets()).toEqual([`register external:zoom:${WEBINAR}`]);
  });

  it('keeps a configured externalAccountId, whatever the payload says', async () => {
    const hubspot = { externalAccountId: 'acme-zoom', createEvents: { eventOrganizer: 'Acme' } };
    await round(hubspot, registrationEvent('created', WEBINAR, ada));
    expect(targets()).toEqual([`register external:acme-zoom:${WEBINAR}`]);
  });

  it('leaves mappings without createEvents on the source id (their events were made by others)', async () => {
    await round({ externalAccountId: 'zoom' }, registrationEvent('created', WEBINAR, ada));
    expect(targets()).toEqual([`register external:zoom:${WEBINAR}`]);
  });

  it('keeps the first account seen in a round for the whole round', async () => {
    const hubspot = { createEvents: { eventOrganizer: 'Acme' } };
    const grace = { email: 'grace@example.com', registrantId: 'reg-grace' };
    await round(hubspot, registrationEvent('created', WEBINAR, ada), withAccount(registrationEvent('created', WEBINAR, grace), 'b'));
    expect(targets()).toEqual([`register external:test-account:${WEBINAR}`, `register external:test-account:${WEBINAR}`]);
  });

  it("keeps an event's first account for its later records: another account_id, a session closed by the sweep", async () => {
    const hubspot = { createEvents: { eventOrganizer: 'Acme' } };
    await round(hubspot, registrationEvent('created', WEBINAR, ada));
    const join = participantEvent('joined', WEBINAR, { email: 'ada@example.com' }, '2026-11-20T15:05:00Z');
    await round(hubspot, { ...join, payload: { ...join.payload, account_id: 'another-account' } });
    now = Date.parse('2026-11-20T15:05:00Z') + 13 * HOUR;
    await processor(hubspot).closeStaleSessions();
    expect(targets()).toEqual([`register external:test-account:${WEBINAR}`, `attend external:test-account:${WEBINAR}`]);
    expect(managed()).toHaveLength(1);
  });
});
