import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { answerEvents, type EventsCall } from './handle-events.js';
import { deliver } from './routes.js';
import { SPEC_VERSIONS } from './spec-schema.js';
import type { SimulatorState } from './state.js';

// The paths of HubSpot's marketing events (spec/hubspot-marketing-events-v3.json, `paths`), in v3's
// spelling and each date version's; the request schemas are the same in both specs.
const bases = SPEC_VERSIONS.map((version) =>
  version === 'v3' ? '/marketing/v3/marketing-events/events' : `/marketing/marketing-events/${version}/events`,
);

interface EventRoute {
  Params: { externalEventId: string };
  Querystring: { externalAccountId?: string | string[] };
}

/** The events endpoints the relay uses (upsert, complete, cancel, read), and their control routes. */
export const eventsRoutes: FastifyPluginAsync<{ state: SimulatorState }> = async (app, { state }) => {
  // Bodies as text, as for attendance: malformed JSON is recorded and answered the HubSpot way.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => done(null, text));

  for (const BASE of bases) {
    app.post(`${BASE}/upsert`, async (request, reply) => deliver(state, request, reply, answerEvents(state, call(request, 'upsert'))));
    app.post<EventRoute>(`${BASE}/:externalEventId/complete`, async (request, reply) =>
      deliver(state, request, reply, answerEvents(state, call(request, 'complete'))),
    );
    app.post<EventRoute>(`${BASE}/:externalEventId/cancel`, async (request, reply) =>
      deliver(state, request, reply, answerEvents(state, call(request, 'cancel'))),
    );
    app.get<EventRoute>(`${BASE}/:externalEventId`, async (request, reply) =>
      deliver(state, request, reply, answerEvents(state, call(request, 'get'))),
    );
  }

  app.get('/_simulator/events', async () => state.events.list());
  /** Declares events created (as if by another run of the app), for tests that predate createEvents. */
  app.post('/_simulator/events/pre-create', async (request, reply) => {
    const parsed = typeof request.body === 'string' ? safeJson(request.body) : undefined;
    const list = (Array.isArray(parsed) ? parsed : []).flatMap((e) =>
      typeof e?.externalAccountId === 'string' && typeof e.externalEventId === 'string' ? [[e.externalAccountId, e.externalEventId]] : [],
    );
    if (list.length === 0 || list.length !== (parsed?.length ?? 0)) {
      return reply.code(400).send({ error: 'body: a JSON array of { externalAccountId, externalEventId }' });
    }
    for (const [account, eventId] of list) state.events.preCreate(account as string, eventId as string);
    return { ok: true };
  });
};

function safeJson(text: string): Array<{ externalAccountId?: unknown; externalEventId?: unknown }> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function call(request: FastifyRequest, action: EventsCall['action']): EventsCall {
  const params = request.params as { externalEventId?: string };
  const query = request.query as { externalAccountId?: string | string[] };
  const account = Array.isArray(query.externalAccountId) ? query.externalAccountId[0] : query.externalAccountId;
  return {
    action,
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    externalAccountId: account,
    externalEventId: params.externalEventId,
    authorization: request.headers.authorization,
    rawBody: typeof request.body === 'string' ? request.body : undefined,
  };
}
