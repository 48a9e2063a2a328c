import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RelayError } from '../../http/errors.js';
import { constantTimeEqual } from '../../support/secrets.js';

function hmacHex(secret: string, ...parts: Array<string | Buffer>): string {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`), as Zoom signs webhooks. */
export function zoomSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${hmacHex(secret, `v0:${timestamp}:`, rawBody)}`;
}

/** The answer Zoom expects to an `endpoint.url_validation` challenge. */
export function urlValidationAnswer(secret: string, plainToken: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: hmacHex(secret, plainToken) };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value; // a repeated signature header is never valid
}

/**
 * Throws unless the request carries a valid `x-zm-signature` for its raw bytes
 * and a `x-zm-request-timestamp` within `toleranceSeconds` of now (either way).
 */
export function verifyZoomSignature(options: {
  secret: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  nowMs: number;
  toleranceSeconds: number;
}): void {
  const signature = header(options.headers, 'x-zm-signature');
  const timestamp = header(options.headers, 'x-zm-request-timestamp');
  if (!signature || !timestamp) {
    throw new RelayError('SIGNATURE_MISSING', 'x-zm-signature and x-zm-request-timestamp headers are required');
  }
  const expected = zoomSignature(options.secret, timestamp, options.rawBody);
  if (!constantTimeEqual(signature, expected)) throw new RelayError('SIGNATURE_INVALID');
  // Checked after the signature so the timestamp is known to be Zoom's own.
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isFinite(seconds) || Math.abs(options.nowMs / 1000 - seconds) > options.toleranceSeconds) {
    throw new RelayError('TIMESTAMP_OUT_OF_RANGE', `x-zm-request-timestamp is more than ${options.toleranceSeconds} s from now`);
  }
}
