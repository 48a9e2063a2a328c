import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The ids in `links.status`: one AES block holding the stored row's id and a MAC of it, both keyed
 * by the caller's name (a digest of its intake token, which no other caller can work out),
 * base64url. Only the caller that stored a batch can name it; any other id, guessed or another
 * caller's, reads as not found; and the row ids behind them (sequential) are not shown.
 */
const ROW_BYTES = 8;
const BATCH_ID = /^[A-Za-z0-9_-]{22}$/; // 16 bytes

const keyOf = (caller: string) => createHash('sha256').update('intake-batch-key:').update(caller).digest().subarray(0, 16);
const macOf = (caller: string, row: Buffer) =>
  createHmac('sha256', caller)
    .update('intake-batch:')
    .update(row)
    .digest()
    .subarray(0, 16 - ROW_BYTES);

function block(mode: 'encrypt' | 'decrypt', caller: string, bytes: Buffer): Buffer {
  const cipher =
    mode === 'encrypt' ? createCipheriv('aes-128-ecb', keyOf(caller), null) : createDecipheriv('aes-128-ecb', keyOf(caller), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(bytes), cipher.final()]);
}

export function batchIdFor(caller: string, rowId: number): string {
  const row = Buffer.alloc(ROW_BYTES);
  row.writeBigUInt64BE(BigInt(rowId));
  return block('encrypt', caller, Buffer.concat([row, macOf(caller, row)])).toString('base64url');
}

/** The row id behind `batchId` when `caller` made it; undefined otherwise. */
export function rowIdOf(caller: string, batchId: string): number | undefined {
  if (!BATCH_ID.test(batchId)) return undefined;
  const plain = block('decrypt', caller, Buffer.from(batchId, 'base64url'));
  const row = plain.subarray(0, ROW_BYTES);
  if (!timingSafeEqual(plain.subarray(ROW_BYTES), macOf(caller, row))) return undefined;
  const id = row.readBigUInt64BE();
  return id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : undefined;
}
