/**
 * Eventbrite webhook notices, shaped like the real captured deliveries in
 * test/fixtures/eventbrite/ (`{"config": {...}, "api_url": ...}`), and the headers Eventbrite sends.
 */
export interface NoticeOptions {
  userId?: string;
  webhookId?: string;
  /** The delivery URL as registered with Eventbrite (it carries the relay's ?token=). */
  endpointUrl?: string;
}

export function eventbriteNotice(action: string, apiUrl: string, options: NoticeOptions = {}) {
  return {
    config: {
      action,
      user_id: options.userId ?? '311783287832',
      endpoint_url: options.endpointUrl ?? 'https://relay.example.com/webhooks/eventbrite',
      webhook_id: options.webhookId ?? '1806556',
    },
    api_url: apiUrl,
  };
}

/** What the test ping from the dashboard's Test button looks like: a placeholder api_url. */
export function testPing(options: NoticeOptions = {}) {
  return eventbriteNotice('test', 'https://www.eventbriteapi.com/{api-endpoint-to-fetch-object-details}/', options);
}

/** Headers of a real delivery (X-Eventbrite-Delivery is the webhook's id, not the delivery's). */
export function noticeHeaders(action: string, webhookId = '1806556'): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'text/plain',
    'user-agent': 'Eventbrite Webhooks (Dilithium)',
    'x-eventbrite-event': action,
    'x-eventbrite-delivery': webhookId,
  };
}
