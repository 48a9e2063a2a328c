import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { DATE_VERSION_PATTERN, marketingEventsBase } from '../hubspot/api-paths.js';
import { targetKey, type HubspotTarget } from '../domain/event-mappings.js';
import type { SubscriberState } from '../domain/facts.js';
import type { InboxWriter } from '../ingest/inbox-writer.js';
import type { WebhookStatus } from '../store/ports.js';
import { HUBSPOT_INTAKE_SOURCE_ID, intakeEnvelope } from '../sources/hubspot-compat/index.js';
import { SubscriberStateParam, type BatchResponse } from './answer-shapes.js';
import { batchIdFor } from './batch-ids.js';
import type { BatchReader } from './batch-reader.js';
import { batchAnswer, pendingAnswer } from './batch-status.js';
import type { IntakeApp } from './routes.js';
import { BatchInputBody, PathId, POST_DESCRIPTION, PostHeaders, responses, TAG, type BatchInput } from './route-schemas.js';
import { emailRefusal, pickInput } from './validation.js';

/**
 * HubSpot's two "record participants by email" routes (by marketing event object id, and by
 * external event ids): each stores the inputs durably and answers PENDING, or the delivered result.
 */
export function attendanceRoutes(
  app: IntakeApp,
  context: {
    inbox: Pick<InboxWriter, 'accept'>;
    bodyLimit: number;
    callerOf: (request: FastifyRequest) => string;
    reader: BatchReader;
  },
): void {
  const { inbox, bodyLimit, callerOf, reader } = context;

  const accept = async (request: FastifyRequest, reply: FastifyReply, target: HubspotTarget, state: SubscriberState, body: BatchInput) => {
    const inputs = body.inputs.map(pickInput);
    const refusal = emailRefusal(inputs);
    if (refusal) throw refusal;
    const text = JSON.stringify(intakeEnvelope(target, state, inputs));
    const receivedAt = Date.now();
    const key = request.headers['idempotency-key'];
    const dedupKey =
      typeof key === 'string' && key !== ''
        ? `key:${createHash('sha256')
            .update(`${callerOf(request)}\n${key}\n${text}`)
            .digest('base64url')}`
        : `request:${randomUUID()}`;
    const stored = await inbox.accept({ sourceId: HUBSPOT_INTAKE_SOURCE_ID, dedupKey, receivedAt, body: text });
    request.log.debug(
      { batchId: stored.id, inputs: inputs.length, event: targetKey(target), state, duplicate: stored.duplicate },
      'hubspot intake batch stored',
    );
    const id = batchIdFor(callerOf(request), stored.id);
    let first: { batch?: WebhookStatus; answer: BatchResponse } = { answer: pendingAnswer(id, receivedAt) };
    if (stored.duplicate) {
      reply.header('idempotent-replayed', 'true');
      const batch = await reader.read(stored.id).catch(() => undefined);
      if (batch) first = { batch, answer: batchAnswer(batch, id) };
    }
    return reader.answerWithWait(request, reply, stored.id, id, first);
  };

  // Both of HubSpot's path styles: v3's, and the date versions' (`/marketing/marketing-events/2026-09/...`),
  // so callers on newer SDKs work unchanged. The version does not change what is stored.
  const pathStyles: Array<{ base: string; style: string; versionParam: Record<string, TSchema> }> = [
    { base: marketingEventsBase('v3'), style: 'v3 path', versionParam: {} },
    {
      base: '/marketing/marketing-events/:apiVersion',
      style: 'date-versioned path',
      versionParam: { apiVersion: Type.String({ pattern: DATE_VERSION_PATTERN, description: "HubSpot's date version, e.g. 2026-09" }) },
    },
  ];
  for (const { base, style, versionParam } of pathStyles) {
    app.post(
      `${base}/:objectId/attendance/:subscriberState/email-create`,
      {
        bodyLimit,
        schema: {
          summary: `Record participants by email, by marketing event object id (HubSpot-compatible, ${style})`,
          description: POST_DESCRIPTION,
          tags: [TAG],
          params: Type.Object({
            ...versionParam,
            objectId: PathId('The internal id of the marketing event in HubSpot'),
            subscriberState: SubscriberStateParam,
          }),
          headers: PostHeaders,
          body: BatchInputBody,
          response: responses,
        },
      },
      async (request, reply) =>
        accept(request, reply, { kind: 'object', objectId: request.params.objectId }, request.params.subscriberState, request.body),
    );

    app.post(
      `${base}/attendance/:externalEventId/:subscriberState/email-create`,
      {
        bodyLimit,
        schema: {
          summary: `Record participants by email, by external event ids (HubSpot-compatible, ${style})`,
          description: `${POST_DESCRIPTION} The relay requires \`externalAccountId\`.`,
          tags: [TAG],
          params: Type.Object({
            ...versionParam,
            externalEventId: PathId('The id of the marketing event in the external event application'),
            subscriberState: SubscriberStateParam,
          }),
          querystring: Type.Object({
            externalAccountId: Type.String({
              minLength: 1,
              description: 'The account id of the marketing event in the external event application',
            }),
          }),
          headers: PostHeaders,
          body: BatchInputBody,
          response: responses,
        },
      },
      async (request, reply) =>
        accept(
          request,
          reply,
          { kind: 'external', externalAccountId: request.query.externalAccountId, externalEventId: request.params.externalEventId },
          request.params.subscriberState,
          request.body,
        ),
    );
  }
}
