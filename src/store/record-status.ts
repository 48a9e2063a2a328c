/** Where a record is on its way to HubSpot (its own file: ports.ts and admin-types.ts both need it). */
export type RecordStatus = 'unmapped' | 'pending' | 'inflight' | 'delivered' | 'dead' | 'superseded';
export const RECORD_STATUSES: RecordStatus[] = ['unmapped', 'pending', 'inflight', 'delivered', 'dead', 'superseded'];
