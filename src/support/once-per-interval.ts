/**
 * "Log this at most once per key per interval": for lines that a flood (of refusals, of ignored
 * webhooks) would otherwise repeat once per request. Counts the notes in between, so the line that
 * is written can say how many it stands for. The first note of a key is always let through.
 */
export class OncePerInterval<K> {
  private readonly entries = new Map<K, { loggedAt: number; since: number }>();

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Notes one occurrence of `key`. When its line is due (the first time, or `intervalMs` after the
   * last one let through), returns how many occurrences it stands for (this one included) and starts
   * counting again; otherwise returns undefined.
   */
  note(key: K): number | undefined {
    const entry = this.entries.get(key) ?? { loggedAt: Number.NEGATIVE_INFINITY, since: 0 };
    this.entries.set(key, entry);
    entry.since++;
    const now = this.now();
    if (now - entry.loggedAt < this.intervalMs) return undefined;
    const count = entry.since;
    entry.loggedAt = now;
    entry.since = 0;
    return count;
  }
}
