import { Type } from 'typebox';
import { NOT_DOT_SEGMENT } from '../domain/event-mappings.js';
import type { AttendanceInput } from '../domain/facts.js';
import { BatchResponse, HubspotError } from './answer-shapes.js';
import { MAX_WAIT_SECONDS } from './prefer-wait.js';
import { batchInputSchema } from './spec.js';
import { boundedBatchInputSchema } from './validation.js';

/** What the intake routes declare (params, headers, bodies, answers) for validation and the OpenAPI document. */

export interface BatchInput {
  inputs: AttendanceInput[];
}

export const TAG = 'hubspot-intake';
export const AUTH_NOTE = 'Send `Authorization: Bearer <token>` with one of `intake.tokens` (401 INVALID_AUTHENTICATION otherwise).';

export const BatchInputBody = Type.Unsafe<BatchInput>(boundedBatchInputSchema(batchInputSchema));
/** An id that goes into HubSpot's URL path: "." and ".." would be normalised away. */
export const PathId = (description: string) => Type.String({ minLength: 1, pattern: NOT_DOT_SEGMENT, description });
export const IntakeHeaders = Type.Object({
  prefer: Type.Optional(
    Type.String({
      description: `RFC 7240 \`wait=N\` (seconds, at most ${MAX_WAIT_SECONDS}): answer once every input is delivered or N s have passed; \`Preference-Applied\` says it was honoured`,
    }),
  ),
});
export const PostHeaders = Type.Object({
  prefer: IntakeHeaders.properties.prefer,
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'The same key (from the same token, with the same request) answers with the batch stored the first time instead of storing it again',
    }),
  ),
});
export const responses = { 200: BatchResponse, '4xx': HubspotError, '5xx': HubspotError };

export const POST_DESCRIPTION = `HubSpot's own request schema (BatchInputMarketingEventEmailSubscriber). The inputs are stored durably, then delivered with webhook records (same batching, ordering, rate limit, retries and dead letters). The answer is PENDING with \`links.status\`, or, with \`Prefer: wait=N\`, the delivered result. ${AUTH_NOTE}`;
