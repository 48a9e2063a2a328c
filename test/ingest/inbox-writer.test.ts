import { describe, expect, it } from 'vitest';
import { InboxWriter } from '../../src/ingest/inbox-writer.js';
import type { AcceptedWebhook, NewWebhook } from '../../src/store/ports.js';
import { waitFor } from '../support/wait.js';

/** A store whose commits the test finishes one by one, so every in-between state can be looked at. */
function heldStore() {
  const commits: Array<{ rows: NewWebhook[]; finish: () => void; fail: (error: Error) => void }> = [];
  let nextId = 1;
  return {
    commits,
    insertWebhooks(rows: NewWebhook[]): Promise<AcceptedWebhook[]> {
      return new Promise((resolve, reject) => {
        const accepted = rows.map(() => ({ id: nextId++, duplicate: false }));
        commits.push({ rows, finish: () => resolve(accepted), fail: reject });
      });
    },
  };
}

const webhook = (n: number): NewWebhook => ({ sourceId: 'zoom', dedupKey: `d${n}`, receivedAt: n, body: `{"n":${n}}` });

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(promise: Promise<T>) {
  const seen: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error: unknown) => Object.assign(seen, { settled: true, error }),
  );
  return seen;
}

describe('InboxWriter (group commit)', () => {
  it('when webhooks arrive together then they are stored in one commit, and each answer waits for that commit', async () => {
    const store = heldStore();
    const writer = new InboxWriter(store);
    const answers = [1, 2, 3].map((n) => watch(writer.accept(webhook(n))));
    await waitFor(() => store.commits.length === 1, 'the first commit');
    expect(store.commits[0]?.rows.map((r) => r.dedupKey)).toEqual(['d1', 'd2', 'd3']);
    expect(writer.queueDepth).toBe(3);
    expect(answers.some((a) => a.settled)).toBe(false);

    store.commits[0]?.finish();
    await waitFor(() => answers.every((a) => a.settled), 'the answers');
    expect(answers.map((a) => a.value)).toEqual([1, 2, 3].map((id) => ({ id, duplicate: false })));
    expect(writer.queueDepth).toBe(0);
  });

  it.each([
    // group size, webhooks waiting, the groups the store is given
    [2, 5, [2, 2, 1]],
    [3, 7, [3, 3, 1]],
    [2000, 5, [5]],
  ])(
    'when the group size is %i and %i webhooks wait then the store is given groups of %j, in arrival order',
    async (maxGroup, count, groups) => {
      const store = heldStore();
      const writer = new InboxWriter(store, maxGroup);
      const answers = Array.from({ length: count }, (_, n) => watch(writer.accept(webhook(n))));
      for (let i = 0; i < groups.length; i++) {
        await waitFor(() => store.commits[i], `commit ${i + 1}`);
        store.commits[i]?.finish();
      }
      await waitFor(() => answers.every((a) => a.settled), 'the answers');
      expect(store.commits.map((c) => c.rows.length)).toEqual(groups);
      expect(store.commits.flatMap((c) => c.rows.map((r) => r.dedupKey))).toEqual(Array.from({ length: count }, (_, n) => `d${n}`));
    },
  );

  it('when the store is slow then webhooks arriving meanwhile go in a second group, and no third starts before one finishes', async () => {
    const store = heldStore();
    const writer = new InboxWriter(store, 2, 2);
    const answers = [0, 1, 2, 3].map((n) => watch(writer.accept(webhook(n))));
    await waitFor(() => store.commits.length === 1, 'the first commit');
    answers.push(watch(writer.accept(webhook(4))));
    await waitFor(() => store.commits.length === 2, 'the second commit');
    answers.push(watch(writer.accept(webhook(5))));
    // The writer schedules its group with setImmediate: once a later setImmediate has run, it would have started.
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.commits.map((c) => c.rows.map((r) => r.dedupKey))).toEqual([
      ['d0', 'd1'],
      ['d2', 'd3'],
    ]);
    expect(writer.queueDepth).toBe(6);

    store.commits[0]?.finish();
    await waitFor(() => store.commits.length === 3, 'the third commit');
    expect(store.commits[2]?.rows.map((r) => r.dedupKey)).toEqual(['d4', 'd5']);
    store.commits[1]?.finish();
    store.commits[2]?.finish();
    await waitFor(() => answers.every((a) => a.settled), 'the answers');
    expect(writer.queueDepth).toBe(0);
  });

  it('when a commit fails then every webhook of that group is refused as STORE_UNAVAILABLE with Retry-After 5, until a commit succeeds', async () => {
    const store = heldStore();
    const writer = new InboxWriter(store);
    const failed = [1, 2].map((n) => watch(writer.accept(webhook(n))));
    await waitFor(() => store.commits.length === 1, 'the first commit');
    store.commits[0]?.fail(new Error('disk full'));
    await waitFor(() => failed.every((a) => a.settled), 'the refusals');
    for (const answer of failed)
      expect(answer.error).toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503, headers: { 'retry-after': '5' } });
    expect(writer.lastFailure?.message).toBe('disk full');

    const next = watch(writer.accept(webhook(3)));
    await waitFor(() => store.commits.length === 2, 'the next commit');
    store.commits[1]?.finish();
    await waitFor(() => next.settled, 'the next answer');
    expect(next.value).toEqual({ id: 3, duplicate: false });
    expect(writer.lastFailure).toBeUndefined();
  });
});
