import { afterEach, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/postgres.js';
import { openStoreUnderTest, STORE_KINDS, type StoreUnderTest } from '../support/stores.js';
import type { NewReconcileJob } from '../../src/store/ports.js';

// Zoom reconciliation jobs (issue 18) in both stores: scheduled once, claimed once across
// replicas (a second store on the same data stands for another replica), settled, replayed.
const pg = postgresUrl();
const T0 = 1_800_000_000_000;
const job = (over: Partial<NewReconcileJob> = {}): NewReconcileJob => ({
  sourceId: 'zoom',
  zoomId: '81',
  uuid: 'u-1',
  kind: 'webinar',
  reason: 'ended',
  dueAt: T0,
  ...over,
});

describe.each(STORE_KINDS)('reconciliation jobs in %s', (kind) => {
  let under: StoreUnderTest | undefined;
  afterEach(async () => under?.cleanup());
  const open = async () => (under = await openStoreUnderTest(kind, pg));

  it.skipIf(kind === 'postgres' && !pg)(
    'when one instance is scheduled twice, then one job exists and two replicas claim it once',
    async () => {
      const { store, open: openAnother } = await open();
      const other = await openAnother();
      expect(await store.scheduleReconcileJobs([job(), job({ dueAt: T0 + 5 })], T0)).toBe(1);
      const claims = await Promise.all([
        store.claimReconcileJobs(T0, 5, 60_000, ['zoom']),
        other.claimReconcileJobs(T0, 5, 60_000, ['zoom']),
      ]);
      expect(claims.flat()).toHaveLength(1);
      expect(claims.flat()[0]).toMatchObject({ zoomId: '81', uuid: 'u-1', kind: 'webinar', status: 'pending', attempts: 0 });
      // Leased: not claimable again until the lease runs out.
      expect(await store.claimReconcileJobs(T0 + 59_000, 5, 60_000, ['zoom'])).toEqual([]);
      expect(await other.claimReconcileJobs(T0 + 60_000, 5, 60_000, ['zoom'])).toHaveLength(1);
    },
  );

  it.skipIf(kind === 'postgres' && !pg)(
    'when an ended arrives, then the pending missed-end check of the id is superseded; a dead job replays',
    async () => {
      const { store } = await open();
      await store.scheduleReconcileJobs([job({ uuid: '', reason: 'missed-end', dueAt: T0 + 1000 })], T0);
      await store.scheduleReconcileJobs([job()], T0);
      const [claimed] = await store.claimReconcileJobs(T0 + 2000, 5, 60_000, ['zoom']);
      expect(claimed?.uuid).toBe('u-1');
      await store.settleReconcileJob(claimed?.id as number, { status: 'dead', error: 'Zoom 400: nope' }, T0 + 2000);
      const listed = await store.listReconcileJobs(10);
      expect(listed.map((j) => [j.uuid, j.status, j.lastError])).toEqual([
        ['u-1', 'dead', 'Zoom 400: nope'],
        ['', 'superseded', undefined],
      ]);
      expect(await store.replayReconcileJob(claimed?.id as number, T0 + 3000)).toBe(true);
      expect(await store.claimReconcileJobs(T0 + 3000, 5, 60_000, ['zoom'])).toHaveLength(1);
    },
  );
});
