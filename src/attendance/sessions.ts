/**
 * Join/leave pairing for one person in one event. A session is kept as times
 * rather than as a stack of joins so that webhooks arriving out of order (a
 * leave before its join) and rejoins from a second device still pair up.
 */
export interface SessionTimes {
  firstJoin?: number;
  lastJoin?: number;
  lastLeave?: number;
  /** The joinedAt/leftAt last turned into an `attend` record, so it is not sent twice. */
  sentJoin?: number;
  sentLeave?: number;
}

export function isOpen(session: SessionTimes): boolean {
  return session.lastJoin !== undefined && (session.lastLeave === undefined || session.lastJoin > session.lastLeave);
}

export function applyJoin(session: SessionTimes, at: number): SessionTimes {
  return {
    ...session,
    firstJoin: session.firstJoin === undefined ? at : Math.min(session.firstJoin, at),
    lastJoin: session.lastJoin === undefined ? at : Math.max(session.lastJoin, at),
  };
}

export function applyLeave(session: SessionTimes, at: number): SessionTimes {
  return { ...session, lastLeave: session.lastLeave === undefined ? at : Math.max(session.lastLeave, at) };
}

/** Closes a session still open at `at` (meeting ended, or closed for want of a leave). */
export function closeAt(session: SessionTimes, at: number): SessionTimes {
  if (!isOpen(session) || session.lastJoin === undefined) return session;
  return { ...session, lastLeave: Math.max(at, session.lastJoin + 1000) };
}

/**
 * The attendance to send now, if any: the session is closed, its span is
 * valid (HubSpot rejects joinedAt >= leftAt) and it differs from what was sent.
 */
export function attendanceToSend(session: SessionTimes): { joinedAt: number; leftAt: number } | undefined {
  const { firstJoin, lastLeave } = session;
  if (firstJoin === undefined || lastLeave === undefined || isOpen(session)) return undefined;
  if (firstJoin >= lastLeave) return undefined;
  if (session.sentJoin === firstJoin && session.sentLeave === lastLeave) return undefined;
  return { joinedAt: firstJoin, leftAt: lastLeave };
}

export function markSent(session: SessionTimes, span: { joinedAt: number; leftAt: number }): SessionTimes {
  return { ...session, sentJoin: span.joinedAt, sentLeave: span.leftAt };
}
