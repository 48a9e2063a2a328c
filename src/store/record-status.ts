/** Where a record is on its way to HubSpot (its own file: ports.ts and admin-types.ts both need it). */
export const RECORD_STATUSES = ['unmapped', 'pending', 'inflight', 'delivered', 'dead', 'superseded'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
