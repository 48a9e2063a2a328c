import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createSources } from '../../../src/sources/registry.js';
import type { Source } from '../../../src/sources/types.js';
import { urlValidationAnswer, verifyZoomSignature } from '../../../src/sources/zoom/verify.js';
import { createZoomSource } from '../../../src/sources/zoom/index.js';
import { zoomHeaders } from '../../support/zoom.js';
import { refusal } from '../../support/refusal.js';

const SECRET = 'verify-test-secret';
const NOW_S = 1_790_000_000; // a fixed "now", in seconds
const NOW_MS = NOW_S * 1000;
const BODY = '{"event":"webinar.participant_joined","event_ts":1790000000000,"payload":{"object":{"id":"1"}}}';

/** Zoom's signature, computed here independently of the code under test. */
function zoomSigned(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

function headersFor(rawBody: Buffer | string, options: { secret?: string; timestamp?: number | string } = {}): IncomingHttpHeaders {
  const timestamp = String(options.timestamp ?? NOW_S);
  return { 'x-zm-request-timestamp': timestamp, 'x-zm-signature': zoomSigned(options.secret ?? SECRET, timestamp, rawBody) };
}

function verify(headers: IncomingHttpHeaders, rawBody: Buffer | string = BODY, toleranceSeconds = 5400): void {
  verifyZoomSignature({ secret: SECRET, headers, rawBody: Buffer.from(rawBody), nowMs: NOW_MS, toleranceSeconds });
}

/** A Zoom source built the way the relay builds it: from a validated configuration. */
function zoomSource(secretToken: string, extra: Record<string, unknown> = {}): Source {
  const config = parseConfig({ sources: [{ id: 'zoom', type: 'zoom', secretToken, ...extra }] }, {});
  const source = createSources(config.sources).get('zoom');
  if (!source) throw new Error('zoom source not created');
  return source;
}

function receive(source: Source, body: string, headers: IncomingHttpHeaders, receivedAt = NOW_MS) {
  return receiveWebhook(source, { rawBody: Buffer.from(body), headers, query: {}, receivedAt });
}

describe('Zoom webhook signature', () => {
  it('when the body is signed with the secret over "v0:{timestamp}:{body}", then it is accepted', () => {
    expect(() => verify(headersFor(BODY))).not.toThrow();
  });

  it('when the body is changed by one byte, then the signature is refused', () => {
    const changed = BODY.replace('"id":"1"', '"id":"2"');
    expect(changed).not.toBe(BODY);
    expect(refusal(() => verify(headersFor(BODY), changed)).code).toBe('SIGNATURE_INVALID');
  });

  it('when the body was signed with another secret, then the signature is refused', () => {
    expect(refusal(() => verify(headersFor(BODY, { secret: 'someone-else' }))).code).toBe('SIGNATURE_INVALID');
  });

  it('when the timestamp header is changed after signing, then the signature is refused', () => {
    const headers = { ...headersFor(BODY), 'x-zm-request-timestamp': String(NOW_S - 1) };
    expect(refusal(() => verify(headers)).code).toBe('SIGNATURE_INVALID');
  });

  it('when the signature covers the raw bytes (spacing, escapes, non-ASCII), then those exact bytes are accepted and a re-serialised body is not', () => {
    const raw = '{ "event" : "webinar.registration_created",\n  "name": "Zo\u00eb \\u00e9", "event_ts": 1 }';
    const headers = headersFor(Buffer.from(raw, 'utf8'));
    expect(() => verify(headers, Buffer.from(raw, 'utf8'))).not.toThrow();
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(refusal(() => verify(headers, reserialised)).code).toBe('SIGNATURE_INVALID');
  });

  it('when the signature lacks the "v0=" prefix, then it is refused', () => {
    const headers = { ...headersFor(BODY) };
    headers['x-zm-signature'] = String(headers['x-zm-signature']).slice(3);
    expect(refusal(() => verify(headers)).code).toBe('SIGNATURE_INVALID');
  });

  it('when the signature is truncated, then it is refused as invalid rather than crashing the comparison', () => {
    const headers = { ...headersFor(BODY) };
    headers['x-zm-signature'] = String(headers['x-zm-signature']).slice(0, -2);
    const error = refusal(() => verify(headers));
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.statusCode).toBe(401);
  });

  it('when the x-zm-signature header is missing, then the request is refused as unsigned', () => {
    const error = refusal(() => verify({ 'x-zm-request-timestamp': String(NOW_S) }));
    expect(error.code).toBe('SIGNATURE_MISSING');
    expect(error.statusCode).toBe(401);
  });

  it('when the x-zm-request-timestamp header is missing, then the request is refused as unsigned', () => {
    const { 'x-zm-signature': signature } = headersFor(BODY);
    expect(refusal(() => verify({ 'x-zm-signature': signature })).code).toBe('SIGNATURE_MISSING');
  });

  it('when the signature header is sent twice, then the request is refused', () => {
    const signature = String(headersFor(BODY)['x-zm-signature']);
    const headers = { 'x-zm-request-timestamp': String(NOW_S), 'x-zm-signature': [signature, signature] } as unknown as IncomingHttpHeaders;
    expect(refusal(() => verify(headers)).statusCode).toBe(401);
  });

  it('when a correctly signed timestamp is older than the tolerance, then it is refused as out of range', () => {
    const headers = headersFor(BODY, { timestamp: NOW_S - 301 });
    expect(refusal(() => verify(headers, BODY, 300)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when a correctly signed timestamp is further in the future than the tolerance, then it is refused as out of range', () => {
    const headers = headersFor(BODY, { timestamp: NOW_S + 301 });
    expect(refusal(() => verify(headers, BODY, 300)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when a correctly signed timestamp is within the tolerance either way, then it is accepted', () => {
    expect(() => verify(headersFor(BODY, { timestamp: NOW_S - 299 }), BODY, 300)).not.toThrow();
    expect(() => verify(headersFor(BODY, { timestamp: NOW_S + 299 }), BODY, 300)).not.toThrow();
  });

  it('when the timestamp is in milliseconds instead of seconds, then it is refused as out of range', () => {
    expect(refusal(() => verify(headersFor(BODY, { timestamp: NOW_MS }))).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });
});

describe('Zoom source timestamp tolerance (configuration)', () => {
  const source = zoomSource(SECRET);
  const body = JSON.stringify({ event: 'meeting.sharing_started', event_ts: NOW_MS, payload: { object: { id: '1' } } });

  it('when no tolerance is configured, then a retry signed 89 minutes ago is still accepted (default 5400 s)', () => {
    const headers = zoomHeaders(SECRET, body, NOW_S - 89 * 60);
    expect(receive(source, body, headers)).toMatchObject({ kind: 'respond', statusCode: 200 });
  });

  it('when no tolerance is configured, then a request signed 91 minutes ago or 91 minutes ahead is refused (default 5400 s)', () => {
    expect(refusal(() => receive(source, body, zoomHeaders(SECRET, body, NOW_S - 91 * 60))).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(refusal(() => receive(source, body, zoomHeaders(SECRET, body, NOW_S + 91 * 60))).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when the tolerance is configured to 60 s, then a request signed 2 minutes ago is refused', () => {
    const strict = zoomSource(SECRET, { timestampToleranceSeconds: 60 });
    expect(refusal(() => receive(strict, body, zoomHeaders(SECRET, body, NOW_S - 120))).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(receive(strict, body, zoomHeaders(SECRET, body, NOW_S - 30))).toMatchObject({ kind: 'respond', statusCode: 200 });
  });
});

describe('Zoom endpoint.url_validation', () => {
  // The published vector's secret has 15 characters, which configuration now refuses (16 at least):
  // its source is built directly, the way the registry builds one from a validated configuration.
  const zoomSource = (secretToken: string): Source =>
    createZoomSource({ id: 'zoom', type: 'zoom', secretToken, timestampToleranceSeconds: 5400, sessionTimeoutHours: 12 });
  // Published test vector: elastic/beats x-pack/filebeat/input/http_endpoint/handler_test.go,
  // test "validate_CRC_request" (copied from /work/shared/fixtures/zoom/test-vectors.json).
  const VECTOR = {
    secretToken: 'secretValueTest',
    plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
    encryptedToken: '70c1f2e2e6ca2d39297490d1f9142c7d701415ea8e6151f6562a08fa657a40ff',
  };
  // Zoom's example challenge body ("Using webhooks" docs), event_ts as published.
  const challenge = JSON.stringify({
    payload: { plainToken: VECTOR.plainToken },
    event_ts: 1654503849680,
    event: 'endpoint.url_validation',
  });

  it('when the answer is computed for the published vector, then encryptedToken is the published hex HMAC', () => {
    expect(urlValidationAnswer(VECTOR.secretToken, VECTOR.plainToken)).toEqual({
      plainToken: VECTOR.plainToken,
      encryptedToken: VECTOR.encryptedToken,
    });
  });

  it('when a correctly signed challenge arrives, then it is answered 200 with plainToken and the published encryptedToken', () => {
    const source = zoomSource(VECTOR.secretToken);
    const verdict = receive(source, challenge, zoomHeaders(VECTOR.secretToken, challenge, NOW_S));
    expect(verdict).toEqual({
      kind: 'respond',
      statusCode: 200,
      body: { plainToken: VECTOR.plainToken, encryptedToken: VECTOR.encryptedToken },
    });
  });

  it('when an unsigned challenge arrives, then it is refused and no token is computed', () => {
    const source = zoomSource(VECTOR.secretToken);
    expect(refusal(() => receive(source, challenge, { 'content-type': 'application/json' })).code).toBe('SIGNATURE_MISSING');
  });

  it('when a challenge is signed with the wrong secret, then it is refused', () => {
    const source = zoomSource(VECTOR.secretToken);
    expect(refusal(() => receive(source, challenge, zoomHeaders('not-the-secret', challenge, NOW_S))).code).toBe('SIGNATURE_INVALID');
  });

  it('when a correctly signed challenge is stale, then it is refused', () => {
    const source = zoomSource(VECTOR.secretToken);
    const headers = zoomHeaders(VECTOR.secretToken, challenge, NOW_S - 2 * 3600);
    expect(refusal(() => receive(source, challenge, headers)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });
});
