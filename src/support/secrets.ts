import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret: equal lengths for timingSafeEqual, whatever was presented. */
export function secretDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether a presented token equals the expected one, in time that reveals neither where they differ nor the length. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(secretDigest(given), secretDigest(expected));
}

/** Compares two signatures in time independent of where they differ (their lengths are not secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token from `Authorization: Bearer <token>` (scheme case-insensitive); undefined otherwise. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const found = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return found?.[1];
}
