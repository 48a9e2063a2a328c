// Signed Zoom webhooks: `x-zm-signature` = `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{body}`).
import { createHmac } from 'node:crypto';
import { ZOOM_EVENT_ID, ZOOM_SECRET } from './procs.mjs';

export function zoomSignature(secret, timestamp, body) {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export function signedHeaders(body, { secret = ZOOM_SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const ts = String(timestamp);
  return {
    'content-type': 'application/json',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': zoomSignature(secret, ts, body),
  };
}

/** The email of the i-th generated registrant of a run (`tag` keeps runs apart). */
export function benchEmail(tag, i) {
  return `${tag}-${i}@bench.example.com`;
}

/** A `webinar.registration_created` body, unique per (tag, i): it becomes one `register` record. */
export function registrationBody(tag, i, eventTs = Date.now()) {
  return JSON.stringify({
    event: 'webinar.registration_created',
    event_ts: eventTs,
    payload: {
      account_id: 'bench-account',
      object: {
        id: Number(ZOOM_EVENT_ID),
        uuid: `uuid-${ZOOM_EVENT_ID}`,
        host_id: 'bench-host',
        topic: 'Benchmark webinar',
        type: 5,
        start_time: '2026-11-20T15:00:00Z',
        duration: 60,
        timezone: 'UTC',
        registrant: {
          id: `${tag}-r${i}`,
          email: benchEmail(tag, i),
          first_name: 'Bench',
          last_name: `Person ${i}`,
          org: 'Example Corp',
          job_title: 'Engineer',
          city: 'Berlin',
          country: 'DE',
          status: 'approved',
          join_url: `https://zoom.us/w/${ZOOM_EVENT_ID}?tk=${tag}${i}`,
        },
      },
    },
  });
}

/** `count` pre-signed requests ({ body, headers }) with distinct emails. */
export function signedRegistrations(tag, count) {
  const timestamp = Math.floor(Date.now() / 1000);
  const eventTs = Date.now();
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const body = registrationBody(tag, i, eventTs + i);
    out[i] = { body, headers: signedHeaders(body, { timestamp }) };
  }
  return out;
}
