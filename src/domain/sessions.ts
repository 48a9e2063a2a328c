/**
 * Join/leave pairing for one person in one event (one occurrence of it). A session is kept as
 * times rather than as a stack of joins so that webhooks arriving out of order (a leave before
 * its join) and rejoins from a second device still pair up.
 */
export interface SessionTimes {
  firstJoin?: number;
  lastJoin?: number;
  /** The latest leave the source reported. */
  lastLeave?: number;
  /**
   * A close the relay made for an open session (the meeting's end, or the stale-session timeout),
   * kept apart from a reported leave: a real leave that ends the same stretch replaces it, even
   * when it is earlier.
   */
  closedAt?: number;
  /** The joinedAt/leftAt last turned into an `attend` record, so it is not sent twice. */
  sentJoin?: number;
  sentLeave?: number;
}

const latest = (...times: Array<number | undefined>) => Math.max(...times.map((t) => t ?? Number.NEGATIVE_INFINITY));

export function isOpen(session: SessionTimes): boolean {
  return session.lastJoin !== undefined && session.lastJoin > latest(session.lastLeave, session.closedAt);
}

export function applyJoin(session: SessionTimes, at: number): SessionTimes {
  return {
    ...session,
    firstJoin: session.firstJoin === undefined ? at : Math.min(session.firstJoin, at),
    lastJoin: session.lastJoin === undefined ? at : Math.max(session.lastJoin, at),
  };
}

export function applyLeave(session: SessionTimes, at: number): SessionTimes {
  const next = { ...session, lastLeave: session.lastLeave === undefined ? at : Math.max(session.lastLeave, at) };
  // A reported leave of the last stretch (not of an earlier one) is what really ended it.
  if (next.closedAt !== undefined && (session.lastJoin === undefined || at >= session.lastJoin)) delete next.closedAt;
  return next;
}

/** Closes a session still open at `at` (meeting ended, or closed for want of a leave). */
export function closeAt(session: SessionTimes, at: number): SessionTimes {
  if (!isOpen(session) || session.lastJoin === undefined) return session;
  return { ...session, closedAt: Math.max(at, session.lastJoin + 1000) };
}

/**
 * The attendance to send now, if any: the session is closed, its span is
 * valid (HubSpot rejects joinedAt >= leftAt) and it differs from what was sent.
 */
export function attendanceToSend(session: SessionTimes): { joinedAt: number; leftAt: number } | undefined {
  const { firstJoin } = session;
  // closedAt, when set, is later than every reported leave (see applyLeave).
  const end = session.closedAt ?? session.lastLeave;
  if (firstJoin === undefined || end === undefined || isOpen(session)) return undefined;
  if (firstJoin >= end) return undefined;
  if (session.sentJoin === firstJoin && session.sentLeave === end) return undefined;
  return { joinedAt: firstJoin, leftAt: end };
}

export function markSent(session: SessionTimes, span: { joinedAt: number; leftAt: number }): SessionTimes {
  return { ...session, sentJoin: span.joinedAt, sentLeave: span.leftAt };
}
