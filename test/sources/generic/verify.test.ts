import { describe, expect, it } from 'vitest';
import { refusal } from '../../support/refusal.js';
import {
  hmacSignature,
  livestormSignature,
  standardWebhooksSignature,
  verifyWebhook,
  type VerifySettings,
} from '../../../src/sources/generic/verify.js';

const verify = (settings: VerifySettings, body: string, headers: Record<string, string | string[]>, nowMs = Date.now()) =>
  verifyWebhook(settings, { headers, rawBody: Buffer.from(body), nowMs });

/**
 * The Standard Webhooks test vector, published in the specification's reference libraries:
 * standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts ("sign function works"),
 * also used by the other languages' tests.
 */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const specNow = Number(SPEC.timestamp) * 1000;
const sw: VerifySettings = { scheme: 'standard-webhooks', secret: SPEC.secret, toleranceSeconds: 300 };
const swHeaders = (signature = SPEC.signature, timestamp = SPEC.timestamp) => ({
  'webhook-id': SPEC.id,
  'webhook-timestamp': timestamp,
  'webhook-signature': signature,
});

describe('Standard Webhooks', () => {
  it('when signing the published test vector, then the published signature comes out', () => {
    expect(standardWebhooksSignature(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.payload)).toBe(SPEC.signature);
  });

  it('when the published vector is verified at its own time, then it passes and the delivery id is webhook-id', () => {
    expect(verify(sw, SPEC.payload, swHeaders(), specNow)).toEqual({ deliveryId: SPEC.id });
  });

  it('when the secret is given without its whsec_ prefix, then the same key is used', () => {
    expect(verify({ ...sw, secret: SPEC.secret.slice('whsec_'.length) }, SPEC.payload, swHeaders(), specNow)).toEqual({
      deliveryId: SPEC.id,
    });
  });

  it('when our own vector (computed with Python hmac) is verified, then it passes', () => {
    const secret = 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE='; // base64("relay-test-signing-secret-32-bytes!")
    const body = '{"type":"guest.registered","data":{"email":"ada@example.com"}}';
    const headers = {
      'webhook-id': 'msg_own_1',
      'webhook-timestamp': '1767225600',
      'webhook-signature': 'v1,Qt03o8XZu5vxUqVNH3wtrjrfbPgoRTEFP196vLcz1i8=',
    };
    expect(verify({ ...sw, secret }, body, headers, 1767225600_000)).toEqual({ deliveryId: 'msg_own_1' });
  });

  it('when the header holds several signatures (v1 ones that do not match, a v2, then the valid one), then any v1 match passes', () => {
    const signatures = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      SPEC.signature,
      'v1a,hnO3f9T8Ytu9HwrX',
    ].join(' ');
    expect(verify(sw, SPEC.payload, swHeaders(signatures), specNow)).toEqual({ deliveryId: SPEC.id });
  });

  it('when the right signature is labelled other than v1, then it does not count', () => {
    expect(refusal(() => verify(sw, SPEC.payload, swHeaders(SPEC.signature.replace('v1,', 'v2,')), specNow)).code).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it.each([['webhook-id'], ['webhook-timestamp'], ['webhook-signature']])('when %s is missing, then 401 SIGNATURE_MISSING', (name) => {
    const headers: Record<string, string> = swHeaders();
    delete headers[name];
    expect(refusal(() => verify(sw, SPEC.payload, headers, specNow)).code).toBe('SIGNATURE_MISSING');
  });

  it.each([['v1,dawfeoifkpqwoekfpqoekf'], ['v1,'], [SPEC.signature.slice(0, 8)], ['g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=']])(
    'when the signature is %j, then 401 SIGNATURE_INVALID',
    (signature) => {
      expect(refusal(() => verify(sw, SPEC.payload, swHeaders(signature), specNow)).code).toBe('SIGNATURE_INVALID');
    },
  );

  it('when the body, the id or the secret differs from what was signed, then 401 SIGNATURE_INVALID', () => {
    expect(refusal(() => verify(sw, '{"test": 2432232315}', swHeaders(), specNow)).code).toBe('SIGNATURE_INVALID');
    expect(refusal(() => verify(sw, SPEC.payload, { ...swHeaders(), 'webhook-id': 'msg_other' }, specNow)).code).toBe('SIGNATURE_INVALID');
    expect(
      refusal(() => verify({ ...sw, secret: 'whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==' }, SPEC.payload, swHeaders(), specNow)).code,
    ).toBe('SIGNATURE_INVALID');
  });

  it('when the timestamp is more than the tolerance away (past or future), then 401 TIMESTAMP_OUT_OF_RANGE', () => {
    expect(refusal(() => verify(sw, SPEC.payload, swHeaders(), specNow + 301_000)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(refusal(() => verify(sw, SPEC.payload, swHeaders(), specNow - 301_000)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(verify(sw, SPEC.payload, swHeaders(), specNow + 299_000)).toEqual({ deliveryId: SPEC.id });
  });

  it('when a correctly signed timestamp is not a number, then 401 TIMESTAMP_OUT_OF_RANGE', () => {
    const signature = standardWebhooksSignature(SPEC.secret, SPEC.id, 'hello', SPEC.payload);
    expect(refusal(() => verify(sw, SPEC.payload, swHeaders(signature, 'hello'), specNow)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when a signature header is repeated (an array), then it counts as missing', () => {
    expect(
      refusal(() => verify(sw, SPEC.payload, { ...swHeaders(), 'webhook-signature': [SPEC.signature, SPEC.signature] }, specNow)).code,
    ).toBe('SIGNATURE_MISSING');
  });
});

describe('HMAC-SHA256 in a configured header', () => {
  // Vectors computed with Python's hmac module (secret "hmac-secret"); the body holds a non-ASCII character.
  const body = '{"event":"checked_in","email":"Zoë@example.com"}';
  const hex = 'ad578d26f018f32302a8bc1ef55e89488ed2841af0abf91fdf089fd85fb5be1d';
  const base = {
    scheme: 'hmac-sha256',
    secret: 'hmac-secret',
    header: 'x-signature',
    encoding: 'hex',
    prefix: '',
    signedPayload: 'body',
    toleranceSeconds: 300,
  } as const;

  it('when the body is signed in hex, then the signature (any case) passes', () => {
    expect(hmacSignature(base, body)).toBe(hex);
    expect(verify(base, body, { 'x-signature': hex })).toEqual({});
    expect(verify(base, body, { 'x-signature': hex.toUpperCase() })).toEqual({});
  });

  it('when the body is signed in base64 with a prefix, then it passes, and without the prefix it does not', () => {
    const settings = { ...base, encoding: 'base64', prefix: 'sha256=' } as const;
    expect(verify(settings, body, { 'x-signature': 'sha256=rVeNJvAY8yMCqLwe9V6JSI7ShBrwq/kf3wif2F+1vh0=' })).toEqual({});
    expect(refusal(() => verify(settings, body, { 'x-signature': 'rVeNJvAY8yMCqLwe9V6JSI7ShBrwq/kf3wif2F+1vh0=' })).code).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('when timestamp.body is signed, then the timestamp header is needed, checked and within tolerance', () => {
    const settings = { ...base, signedPayload: 'timestamp.body', timestampHeader: 'x-timestamp' } as const;
    const headers = { 'x-signature': '333456db1398a711c14935d9b825292cf83b5b016e19b1554e926d491b2c2d55', 'x-timestamp': '1767225600' };
    expect(verify(settings, body, headers, 1767225600_000)).toEqual({});
    expect(refusal(() => verify(settings, body, headers, 1767225600_000 + 600_000)).code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(refusal(() => verify(settings, body, { ...headers, 'x-timestamp': '1767225601' }, 1767225600_000)).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect(refusal(() => verify(settings, body, { 'x-signature': headers['x-signature'] }, 1767225600_000)).code).toBe('SIGNATURE_MISSING');
  });

  it('when the signature header is missing or wrong, then 401', () => {
    expect(refusal(() => verify(base, body, {})).code).toBe('SIGNATURE_MISSING');
    expect(refusal(() => verify(base, body, { 'x-signature': hex.replace(/^a/, 'b') })).code).toBe('SIGNATURE_INVALID');
    expect(refusal(() => verify(base, `${body} `, { 'x-signature': hex })).code).toBe('SIGNATURE_INVALID');
  });

  it("when Tito's scheme is used (base64 of the raw body in Tito-Signature), then our vector passes", () => {
    const tito = { ...base, header: 'tito-signature', encoding: 'base64' } as const;
    expect(
      verify({ ...tito, secret: 'tito-security-token' }, '{"_type":"ticket","email":"john@example.com"}', {
        'tito-signature': 'd3U593hVoY/kwTtPWNTWvh1VBxI11/DqLTr652j9Ks4=',
      }),
    ).toEqual({});
  });
});

describe('bearer token', () => {
  const settings = { scheme: 'bearer', token: 'checkin-app-token-123' } as const;

  it('when Authorization carries the token (scheme in any case), then it passes', () => {
    expect(verify(settings, '{}', { authorization: 'Bearer checkin-app-token-123' })).toEqual({});
    expect(verify(settings, '{}', { authorization: 'bearer checkin-app-token-123' })).toEqual({});
  });

  it('when the token is missing, of another scheme, or wrong, then 401', () => {
    expect(refusal(() => verify(settings, '{}', {})).code).toBe('SIGNATURE_MISSING');
    expect(refusal(() => verify(settings, '{}', { authorization: 'Basic Y2hlY2tpbg==' })).code).toBe('SIGNATURE_MISSING');
    expect(refusal(() => verify(settings, '{}', { authorization: 'Bearer checkin-app-token-12' })).code).toBe('SIGNATURE_INVALID');
    expect(refusal(() => verify(settings, '{}', { authorization: 'Bearer checkin-app-token-1234' })).code).toBe('SIGNATURE_INVALID');
  });
});

describe('Livestorm', () => {
  const settings = { scheme: 'livestorm', secret: 'livestorm-secret', toleranceSeconds: 300 } as const;
  const body = '{"data":{"type":"people"}}';
  // sha256("1767225600" + "livestorm-secret" + body), computed with Python's hashlib.
  const header = '1767225600,2d1463896453f3aa640290cb078eab5bd5d208167ef6a3eac4b654bb12b856cc';

  it('when x-livestorm-signature is {timestamp},{hex sha256(timestamp + secret + body)}, then it passes', () => {
    expect(livestormSignature(settings.secret, '1767225600', body)).toBe(header);
    expect(verify(settings, body, { 'x-livestorm-signature': header }, 1767225600_000)).toEqual({});
  });

  it('when it is missing, wrong or old, then 401', () => {
    expect(refusal(() => verify(settings, body, {}, 1767225600_000)).code).toBe('SIGNATURE_MISSING');
    expect(
      refusal(() => verify(settings, body, { 'x-livestorm-signature': header.replace('1767225600', '1767225601') }, 1767225600_000)).code,
    ).toBe('SIGNATURE_INVALID');
    expect(refusal(() => verify(settings, body, { 'x-livestorm-signature': header }, 1767225600_000 + 3_600_000)).code).toBe(
      'TIMESTAMP_OUT_OF_RANGE',
    );
  });
});

describe('Standard Webhooks with an empty key', () => {
  it('when the secret decodes to nothing, then even a signature made with the empty key is refused', () => {
    const settings = { scheme: 'standard-webhooks', secret: 'whsec_', toleranceSeconds: 300 } as const;
    const signature = standardWebhooksSignature('whsec_', SPEC.id, SPEC.timestamp, SPEC.payload);
    expect(refusal(() => verify(settings, SPEC.payload, swHeaders(signature), specNow)).code).toBe('SIGNATURE_INVALID');
  });
});
