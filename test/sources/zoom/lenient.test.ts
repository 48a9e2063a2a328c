import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../src/http/errors.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createZoomSource } from '../../../src/sources/zoom/index.js';
import { zoomHeaders } from '../../support/zoom.js';

/** Issue 13: what Zoom's own types make optional is read with a fallback, not refused. */

const SECRET = 'lenient-test-secret';
const plain = createZoomSource({ id: 'zoom', type: 'zoom', secretToken: SECRET, timestampToleranceSeconds: 5400, sessionTimeoutHours: 12 });
const byUuid = createZoomSource({
  id: 'zoom',
  type: 'zoom',
  secretToken: SECRET,
  timestampToleranceSeconds: 5400,
  sessionTimeoutHours: 12,
  eventIdWhenMissing: 'uuid',
});

/** A Zoom body as the tests change it: loosely typed on purpose (fields are added and removed). */
interface ZoomBody {
  event: string;
  event_ts: number;
  payload: { object: Record<string, unknown> & { participant: Record<string, unknown> } };
}
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/zoom/${name}`, import.meta.url), 'utf8')) as ZoomBody;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Signs and receives `body` now; the verdict's kind, or the refusal's code and message. */
function receive(source: typeof plain, body: unknown) {
  const raw = JSON.stringify(body);
  try {
    return receiveWebhook(source, { rawBody: Buffer.from(raw), headers: zoomHeaders(SECRET, raw), query: {}, receivedAt: Date.now() }).kind;
  } catch (error) {
    if (error instanceof RelayError) return { code: error.code, message: error.message };
    throw error;
  }
}

describe('Zoom payloads with the fields Zoom may leave out', () => {
  // test/fixtures/zoom/webinar.ended.no-end_time.json: fields of WebinarEndedEvent, zoom/rivet-javascript meetings/meetings.d.ts
  const ended = fixture('webinar.ended.no-end_time.json');
  // test/fixtures/zoom/participant_left.no-leave_time.json: fields of WebinarParticipantLeftEvent, same file
  const left = fixture('participant_left.no-leave_time.json');
  // test/fixtures/zoom/meeting.participant_joined.no-id.json: fields of MeetingParticipantJoinedEvent, same file
  const joinedNoId = fixture('meeting.participant_joined.no-id.json');

  it('when webinar.ended has no end_time, then it is stored and the webinar ends at event_ts', () => {
    expect(receive(plain, ended)).toBe('store');
    expect(plain.interpret(clone(ended))).toEqual([
      { kind: 'event-ended', sourceEventId: '81234567890', occurrence: 'Wk9PTV9XRUJJTkFSX1VVSUQ=', occurredAt: ended.event_ts },
    ]);
  });

  it('when webinar.ended has an end_time, then that time wins over event_ts', () => {
    const withEnd = clone(ended);
    withEnd.payload.object.end_time = '2025-11-20T16:00:00Z';
    expect(plain.interpret(withEnd)).toEqual([
      expect.objectContaining({ kind: 'event-ended', occurredAt: Date.parse('2025-11-20T16:00:00Z') }),
    ]);
  });

  it('when meeting.ended has no end_time, then it ends at event_ts too', () => {
    const meeting = clone(ended);
    meeting.event = 'meeting.ended';
    expect(plain.interpret(meeting)).toEqual([expect.objectContaining({ kind: 'event-ended', occurredAt: ended.event_ts })]);
  });

  it('when participant_left has no leave_time, then the person left at event_ts', () => {
    expect(receive(plain, left)).toBe('store');
    expect(plain.interpret(clone(left))).toEqual([
      expect.objectContaining({ kind: 'left', sourceEventId: '81234567890', occurredAt: left.event_ts }),
    ]);
  });

  it('when participant_left has date_time but no leave_time, then date_time is when they left', () => {
    const withDateTime = clone(left);
    withDateTime.payload.object.participant.date_time = '2025-11-20T15:45:00Z';
    expect(plain.interpret(withDateTime)).toEqual([
      expect.objectContaining({ kind: 'left', occurredAt: Date.parse('2025-11-20T15:45:00Z') }),
    ]);
  });

  it('when participant_left has both leave_time and date_time, then leave_time wins', () => {
    const both = clone(left);
    both.payload.object.participant.date_time = '2025-11-20T15:45:00Z';
    both.payload.object.participant.leave_time = '2025-11-20T15:50:00Z';
    expect(plain.interpret(both)).toEqual([expect.objectContaining({ occurredAt: Date.parse('2025-11-20T15:50:00Z') })]);
  });

  it('when participant_joined has date_time but no join_time and no object id, and the source falls back to uuid, then it joins the uuid at date_time', () => {
    expect(receive(byUuid, joinedNoId)).toBe('store');
    expect(byUuid.interpret(clone(joinedNoId))).toEqual([
      expect.objectContaining({
        kind: 'joined',
        sourceEventId: 'Wk9PTV9NRUVUSU5HX1VVSUQ=',
        occurrence: 'Wk9PTV9NRUVUSU5HX1VVSUQ=',
        occurredAt: Date.parse('2025-11-20T15:03:00Z'),
      }),
    ]);
  });

  it('when participant_joined has no object id and the source has no uuid fallback, then it is BODY_INVALID naming payload.object.id', () => {
    expect(receive(plain, joinedNoId)).toEqual({ code: 'BODY_INVALID', message: expect.stringContaining('payload.object.id is missing') });
  });

  it('when participant_joined has neither object id nor uuid, then even the uuid fallback names both fields', () => {
    const noUuid = clone(joinedNoId);
    delete noUuid.payload.object.uuid;
    expect(receive(byUuid, noUuid)).toEqual({
      code: 'BODY_INVALID',
      message: expect.stringMatching(/payload\.object\.id is missing.*payload\.object\.uuid/),
    });
  });

  it('when participant_joined has neither join_time nor date_time, then it is BODY_INVALID naming join_time', () => {
    const noTime = clone(joinedNoId);
    delete noTime.payload.object.participant.date_time;
    expect(receive(byUuid, noTime)).toEqual({
      code: 'BODY_INVALID',
      message: expect.stringMatching(/zoom meeting\.participant_joined: payload\.object\.participant\.join_time is missing/),
    });
  });

  it('when a date_time is not a time, then it is BODY_INVALID naming date_time', () => {
    const bad = clone(left);
    bad.payload.object.participant.date_time = 'soon';
    expect(receive(plain, bad)).toEqual({ code: 'BODY_INVALID', message: expect.stringContaining('date_time') });
  });

  it("when Zoom's documented meeting.started example arrives, then the meeting is scheduled from its start_time and duration", () => {
    // test/fixtures/zoom/meeting.started.json: developers.zoom.us/docs/api/webhooks/ 'Webhook structure' example (see its .source.txt)
    const started = fixture('meeting.started.json');
    expect(receive(plain, started)).toBe('store');
    expect(plain.interpret(clone(started))).toEqual([
      {
        kind: 'event-scheduled',
        sourceEventId: '1234567890',
        startsAt: Date.parse('2021-07-13T21:44:51Z'),
        endsAt: Date.parse('2021-07-13T22:44:51Z'),
      },
      // The actual start, for completing a HubSpot event the relay created (issue 14).
      { kind: 'event-details', sourceEventId: '1234567890', details: { startedAt: '2021-07-13T21:44:51.000Z' } },
    ]);
  });
});
