import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/error-schema.js';
import type { ManagedEvent, ManagedEventsStore } from '../store/ports.js';

/** One HubSpot marketing event the relay manages (createEvents), for people. */
export const ManagedEventView = Type.Object({
  source: Type.String(),
  sourceEventId: Type.String(),
  externalAccountId: Type.String(),
  externalEventId: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()], { description: "HubSpot's object id, from its answer to the upsert" }),
  state: Type.Union([
    Type.Literal('pending'),
    Type.Literal('created'),
    Type.Literal('completed'),
    Type.Literal('cancelled'),
    Type.Literal('dead'),
  ]),
  name: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
});

export function managedEventView(event: ManagedEvent) {
  return {
    source: event.sourceId,
    sourceEventId: event.sourceEventId,
    externalAccountId: event.externalAccountId,
    externalEventId: event.externalEventId,
    objectId: event.objectId ?? null,
    state: event.state,
    name: event.details.name ?? null,
    lastError: event.lastError ?? null,
    updatedAt: new Date(event.updatedAt).toISOString(),
  };
}

/** GET /admin/events; registered inside the admin routes, behind their token. */
export const eventsAdminRoutes: FastifyPluginAsyncTypebox<{ store: Pick<ManagedEventsStore, 'listManagedEvents'> }> = async (
  app,
  { store },
) => {
  app.get(
    '/admin/events',
    {
      schema: {
        summary: 'The HubSpot marketing events the relay creates and maintains (createEvents)',
        tags: ['admin'],
        security: [{ adminToken: [] }],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
        response: { 200: Type.Object({ events: Type.Array(ManagedEventView) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ events: (await store.listManagedEvents(request.query.limit ?? 200)).map(managedEventView) }),
  );
};
