import { describe, expect, it } from 'vitest';
import { applyJoin, applyLeave, attendanceToSend, closeAt, isOpen, markSent, type SessionTimes } from '../../src/domain/sessions.js';

const t = (hhmm: string) => Date.parse(`2026-11-20T${hhmm}:00Z`);

/** Applies join (`+`) and leave (`-`) events in the order given, e.g. `['+15:00', '-15:20']`. */
function play(events: string[], start: SessionTimes = {}): SessionTimes {
  return events.reduce((times, event) => {
    const at = t(event.slice(1));
    return event.startsWith('+') ? applyJoin(times, at) : applyLeave(times, at);
  }, start);
}

describe('attendance sessions', () => {
  it('when a participant joins and has not left, then the session is open and nothing is sent yet', () => {
    const times = play(['+15:00']);
    expect(isOpen(times)).toBe(true);
    expect(attendanceToSend(times)).toBeUndefined();
  });

  it('when a participant joins and then leaves, then one attendance from join to leave is sent', () => {
    const times = play(['+15:00', '-15:45']);
    expect(isOpen(times)).toBe(false);
    expect(attendanceToSend(times)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:45') });
  });

  it('when the leave arrives before its join, then they still pair into one attendance', () => {
    const leaveOnly = play(['-15:45']);
    expect(attendanceToSend(leaveOnly)).toBeUndefined();
    expect(attendanceToSend(play(['+15:00'], leaveOnly))).toEqual({ joinedAt: t('15:00'), leftAt: t('15:45') });
  });

  it('when an attendance was sent, then it is not sent a second time', () => {
    const times = play(['+15:00', '-15:45']);
    const span = attendanceToSend(times);
    expect(span).toBeDefined();
    expect(attendanceToSend(markSent(times, span!))).toBeUndefined();
  });

  it('when a participant rejoins after leaving, then the session reopens and nothing is sent until the next leave', () => {
    const sent = play(['+15:00', '-15:20']);
    const rejoined = play(['+15:30'], markSent(sent, attendanceToSend(sent)!));
    expect(isOpen(rejoined)).toBe(true);
    expect(attendanceToSend(rejoined)).toBeUndefined();
  });

  it('when a participant rejoins and leaves again, then the attendance is re-sent from the first join to the last leave', () => {
    const first = play(['+15:00', '-15:20']);
    const again = play(['+15:30', '-15:50'], markSent(first, attendanceToSend(first)!));
    expect(attendanceToSend(again)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:50') });
  });

  it('when a participant is on two devices, then the attendance finally spans the first join to the last device leaving', () => {
    const times = play(['+15:00', '+15:10', '-15:20', '-15:40']);
    expect(isOpen(times)).toBe(false);
    expect(attendanceToSend(times)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:40') });
  });

  it('when a rejoin and the earlier leave arrive out of order, then the span is still first join to last leave', () => {
    const times = play(['+15:30', '-15:50', '+15:00', '-15:20']);
    expect(attendanceToSend(times)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:50') });
  });

  it('when the event ends while the participant is still in, then the session is closed at the end time', () => {
    const closed = closeAt(play(['+15:00']), t('16:05'));
    expect(isOpen(closed)).toBe(false);
    expect(attendanceToSend(closed)).toEqual({ joinedAt: t('15:00'), leftAt: t('16:05') });
  });

  it('when the event ends after the participant already left, then their leave time is kept', () => {
    const closed = closeAt(play(['+15:00', '-15:30']), t('16:05'));
    expect(attendanceToSend(closed)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:30') });
  });

  it('when the end time is not after the join, then the attendance still ends after it starts (HubSpot rejects joinedAt >= leftAt)', () => {
    const span = attendanceToSend(closeAt(play(['+15:00']), t('15:00')));
    expect(span).toBeDefined();
    expect(span!.leftAt).toBeGreaterThan(span!.joinedAt);
  });

  it('when the leave time equals the join time, then nothing is sent (an empty span HubSpot would reject)', () => {
    expect(attendanceToSend(play(['+15:00', '-15:00']))).toBeUndefined();
  });

  it('when the same join is applied twice (a redelivered webhook), then the attendance is unchanged', () => {
    expect(attendanceToSend(play(['+15:00', '+15:00', '-15:45']))).toEqual({ joinedAt: t('15:00'), leftAt: t('15:45') });
  });

  it("when the meeting's end closed a session and the real, earlier leave arrives afterwards, then the real leave replaces the end", () => {
    const ended = closeAt(play(['+15:00']), t('16:00'));
    const sent = markSent(ended, attendanceToSend(ended)!);
    const left = play(['-15:30'], sent);
    expect(isOpen(left)).toBe(false);
    expect(attendanceToSend(left)).toEqual({ joinedAt: t('15:00'), leftAt: t('15:30') });
  });

  it('when the stale-session close was made and the real leave comes later than it, then the real leave is the end', () => {
    const closed = closeAt(play(['+15:00']), t('16:00'));
    expect(attendanceToSend(play(['-16:20'], closed))).toEqual({ joinedAt: t('15:00'), leftAt: t('16:20') });
  });

  it('when a late leave belongs to an earlier stretch (before the last join), then the close of the last stretch stays', () => {
    const closed = closeAt(play(['+15:00', '-15:10', '+15:40']), t('16:00'));
    const withOldLeave = play(['-15:05'], closed);
    expect(attendanceToSend(withOldLeave)).toEqual({ joinedAt: t('15:00'), leftAt: t('16:00') });
  });

  it('when a participant rejoins after the relay closed the session, then it is open again until a leave or another close', () => {
    const reopened = play(['+16:30'], closeAt(play(['+15:00']), t('16:00')));
    expect(isOpen(reopened)).toBe(true);
    expect(attendanceToSend(play(['-16:45'], reopened))).toEqual({ joinedAt: t('15:00'), leftAt: t('16:45') });
  });
});
