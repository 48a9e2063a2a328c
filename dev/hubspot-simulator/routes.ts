import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { answerAttendance, type Answer } from './handle-attendance.js';
import { validationError } from './responses.js';
import type { SimulatorState } from './state.js';
import { SPEC_VERSIONS, type SpecVersion } from './spec-schema.js';

const JSON_TYPE = 'application/json;charset=utf-8';

interface ObjectIdRoute {
  Params: { objectId: string; subscriberState: string };
}
interface ExternalIdRoute {
  Params: { externalEventId: string; subscriberState: string };
  Querystring: { externalAccountId?: string | string[] };
}

/** The two "record participants by email" endpoints of Marketing Events, in v3 and each date version with a spec. */
export const attendanceRoutes: FastifyPluginAsync<{ state: SimulatorState }> = async (app, { state }) => {
  // Take every body as text, whatever its content type, so that malformed JSON reaches the
  // handler and is recorded and answered the HubSpot way instead of by Fastify's parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => done(null, text));

  // Only errors Fastify raises before the handler runs (e.g. 413 body too large) land here;
  // they are answered HubSpot-style but, never reaching the handler, are not recorded.
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    reply
      .code(error.statusCode ?? 500)
      .type(JSON_TYPE)
      .send(validationError(error.message));
  });

  // v3's paths and each date version's (the date after the API's name), each checked against its own spec.
  for (const version of SPEC_VERSIONS) {
    const base = version === 'v3' ? '/marketing/v3/marketing-events' : `/marketing/marketing-events/${version}`;
    app.post<ObjectIdRoute>(`${base}/:objectId/attendance/:subscriberState/email-create`, async (request, reply) => {
      const { objectId, subscriberState } = request.params;
      await deliver(state, request, reply, answerAttendance(state, call(request, `object:${objectId}`, subscriberState, version)));
    });

    app.post<ExternalIdRoute>(`${base}/attendance/:externalEventId/:subscriberState/email-create`, async (request, reply) => {
      const { externalEventId, subscriberState } = request.params;
      const accountParam = request.query.externalAccountId;
      const accountId = (Array.isArray(accountParam) ? accountParam[0] : accountParam) ?? '';
      const eventKey = `external:${accountId}:${externalEventId}`;
      // HubSpot answers 404 for an external event this app never created (marketing-events.ts).
      const unknownEvent = state.events.isKnown(accountId, externalEventId) ? undefined : { accountId, externalEventId };
      await deliver(state, request, reply, answerAttendance(state, { ...call(request, eventKey, subscriberState, version), unknownEvent }));
    });
  }
};

function call(request: FastifyRequest, eventKey: string, subscriberState: string, apiVersion: SpecVersion) {
  return {
    apiVersion,
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    eventKey,
    subscriberState,
    authorization: request.headers.authorization,
    rawBody: typeof request.body === 'string' ? request.body : undefined,
  };
}

export async function deliver(state: SimulatorState, request: FastifyRequest, reply: FastifyReply, answer: Answer): Promise<void> {
  if (answer.delayMs > 0) {
    try {
      await sleep(answer.delayMs, undefined, { signal: state.closing });
    } catch {
      // The simulator is closing: the connection is being torn down, nobody is waiting.
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
  }
  if (answer.kind === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
    return;
  }
  if (answer.kind === 'reset-mid-response') {
    reply.hijack();
    cutAnswerShort(reply, answer);
    return;
  }
  await reply.code(answer.status).headers(answer.headers).type(JSON_TYPE).send(JSON.stringify(answer.body));
}

/** Sends the status line, headers and half the body, then resets the connection. */
function cutAnswerShort(reply: FastifyReply, answer: Extract<Answer, { kind: 'reset-mid-response' }>): void {
  const payload = JSON.stringify(answer.body);
  const response = reply.raw;
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(payload),
  });
  response.write(payload.slice(0, Math.floor(payload.length / 2)), () => response.socket?.destroy());
}
