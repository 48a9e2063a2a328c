import type { NewRecord } from '../ports.js';

/**
 * The attend-supersede rule: an attend replaces the same person's attend of the same event (and
 * occurrence) that has not been sent yet, stored earlier or made earlier in the same round. Only
 * the newest attend of a round is kept; stored ones matching ATTEND_NOT_YET_SENT are superseded.
 */
export const ATTEND_NOT_YET_SENT = `state = 'attend' AND status IN ('pending', 'unmapped')`;

export interface AttendKey {
  sourceId: string;
  sourceEventId: string;
  email: string;
  occurrence: string;
}

/** Each new record's status, and the people whose stored attends the round supersedes. */
export function attendSupersede(records: readonly NewRecord[]): { statuses: string[]; supersedes: AttendKey[] } {
  const keyOf = (r: NewRecord): AttendKey => ({
    sourceId: r.sourceId,
    sourceEventId: r.sourceEventId,
    email: r.email,
    occurrence: r.occurrence ?? '',
  });
  const text = (k: AttendKey) => [k.sourceId, k.sourceEventId, k.occurrence, k.email].join('\u0000');
  const newest = new Map<string, number>();
  const supersedes = new Map<string, AttendKey>();
  records.forEach((r, i) => {
    if (!r.supersedesPendingAttend) return;
    const key = keyOf(r);
    newest.set(text(key), i);
    supersedes.set(text(key), key);
  });
  const statuses = records.map((r, i) => {
    if (r.supersedesPendingAttend && newest.get(text(keyOf(r))) !== i) return 'superseded';
    return r.targetKey === null ? 'unmapped' : 'pending';
  });
  return { statuses, supersedes: [...supersedes.values()] };
}
