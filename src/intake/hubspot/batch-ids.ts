import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The ids in `links.status`: the stored row's id and a MAC of it keyed by the caller's name (a
 * digest of its intake token, which no other caller can work out), base64url. Only the caller that
 * stored a batch can name it; any other id, guessed or another caller's, reads as not found. The
 * row ids behind them (sequential) are never shown.
 */
const ROW_BYTES = 8;
const MAC_BYTES = 16;
const BATCH_ID = /^[A-Za-z0-9_-]{32}$/;

function mac(caller: string, row: Buffer): Buffer {
  return createHmac('sha256', caller).update('intake-batch:').update(row).digest().subarray(0, MAC_BYTES);
}

export function batchIdFor(caller: string, rowId: number): string {
  const row = Buffer.alloc(ROW_BYTES);
  row.writeBigUInt64BE(BigInt(rowId));
  return Buffer.concat([row, mac(caller, row)]).toString('base64url');
}

/** The row id behind `batchId` when `caller` made it; undefined otherwise. */
export function rowIdOf(caller: string, batchId: string): number | undefined {
  if (!BATCH_ID.test(batchId)) return undefined;
  const bytes = Buffer.from(batchId, 'base64url');
  if (bytes.length !== ROW_BYTES + MAC_BYTES) return undefined;
  const row = bytes.subarray(0, ROW_BYTES);
  if (!timingSafeEqual(bytes.subarray(ROW_BYTES), mac(caller, row))) return undefined;
  const id = row.readBigUInt64BE();
  return id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : undefined;
}
