import { request } from 'undici';
import { zoomSignature } from '../sources/zoom/verify.js';
import { sandboxSecret } from './sandbox.js';

/** Zoom-shaped sample webhooks: one person registers, joins and leaves webinar 81234567890. */
export function sampleZoomWebhooks(now = Date.now()): object[] {
  const object = {
    id: 81234567890,
    uuid: 'sample-webinar-uuid',
    topic: 'Relay sandbox webinar',
    start_time: new Date(now - 3_600_000).toISOString(),
    duration: 60,
  };
  const participant = {
    user_id: '16778240',
    user_name: 'Ada Lovelace',
    id: 'sample-user',
    email: 'ada.lovelace@example.com',
    registrant_id: 'sample-registrant',
  };
  return [
    {
      event: 'webinar.registration_created',
      event_ts: now - 7_200_000,
      payload: {
        account_id: 'sample-account',
        object: {
          ...object,
          registrant: {
            id: 'sample-registrant',
            email: 'Ada.Lovelace@example.com',
            first_name: 'Ada',
            last_name: 'Lovelace',
            org: 'Analytical Engines Ltd',
            job_title: 'Programmer',
            country: 'GB',
            status: 'approved',
            join_url: 'https://zoom.us/w/81234567890',
          },
        },
      },
    },
    {
      event: 'webinar.participant_joined',
      event_ts: now - 3_000_000,
      payload: {
        account_id: 'sample-account',
        object: { ...object, id: '81234567890', participant: { ...participant, join_time: new Date(now - 3_000_000).toISOString() } },
      },
    },
    {
      event: 'webinar.participant_left',
      event_ts: now - 600_000,
      payload: {
        account_id: 'sample-account',
        object: { ...object, id: '81234567890', participant: { ...participant, leave_time: new Date(now - 600_000).toISOString() } },
      },
    },
  ];
}

/** Signs and posts the sample webhooks; prints each answer. */
export async function sendSample(options: { url: string; secret?: string; storeUrl: string }): Promise<boolean> {
  const secret = options.secret ?? sandboxSecret(options.storeUrl);
  let ok = true;
  for (const webhook of sampleZoomWebhooks()) {
    const body = JSON.stringify(webhook);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await request(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-zm-request-timestamp': timestamp,
        'x-zm-signature': zoomSignature(secret, timestamp, body),
      },
      body,
    });
    const text = await response.body.text();
    console.log(`${(webhook as { event: string }).event} → ${response.statusCode} ${text}`);
    ok &&= response.statusCode === 200;
  }
  return ok;
}
