import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/error-schema.js';
import { adminGuard } from './admin-guard.js';
import type { ActivityRings } from './activity.js';
import type { SendWindowStatus } from './delivery-status.js';

export interface ActivityRoutesOptions {
  token: string;
  rings: ActivityRings;
  limiter: SendWindowStatus;
}

const start = Type.String({ description: 'When the slot began (ISO 8601)' });

export const ActivityAnswer = Type.Object(
  {
    perMinute: Type.Array(
      Type.Object({
        start,
        webhooks: Type.Integer({ description: 'Webhooks received (accepted, parked, duplicate or ignored)' }),
        delivered: Type.Integer({ description: 'Records HubSpot accepted' }),
      }),
      { description: 'The last 60 minutes, oldest first; the last slot is the current minute' },
    ),
    perTenSeconds: Type.Array(Type.Object({ start, requests: Type.Integer({ description: 'HubSpot attendance calls' }) }), {
      description: 'The last hour in 10-second slots, oldest first',
    }),
    hubspotLimitPerTenSeconds: Type.Integer({ description: 'hubspot.requestsPerTenSeconds: the most calls the relay makes in 10 s' }),
  },
  {
    examples: [
      {
        perMinute: [{ start: '2026-11-20T15:01:00.000Z', webhooks: 420, delivered: 415 }],
        perTenSeconds: [{ start: '2026-11-20T15:01:50.000Z', requests: 9 }],
        hubspotLimitPerTenSeconds: 100,
      },
    ],
  },
);

/** GET /admin/activity: what the console charts, kept in memory since the relay started. */
export const activityRoutes: FastifyPluginAsyncTypebox<ActivityRoutesOptions> = async (app, options) => {
  // The same guard and headers as the rest of the admin API.
  app.addHook('onRequest', adminGuard(options.token));
  options.rings.start();
  app.addHook('onClose', async () => options.rings.stop());

  app.get(
    '/admin/activity',
    {
      schema: {
        summary: 'Webhooks received and records delivered per minute, HubSpot calls per 10 s, over the last hour (since the relay started)',
        tags: ['admin'],
        security: [{ adminToken: [] }],
        response: { 200: ActivityAnswer, 401: ErrorResponse },
      },
    },
    async () => {
      const activity = await options.rings.read();
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        perMinute: activity.perMinute.map((m) => ({ ...m, start: iso(m.start) })),
        perTenSeconds: activity.perTenSeconds.map((s) => ({ ...s, start: iso(s.start) })),
        hubspotLimitPerTenSeconds: options.limiter.state().limit,
      };
    },
  );
};
