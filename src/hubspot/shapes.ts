import { Type, type Static } from 'typebox';

/**
 * HubSpot's answer shapes, as the official SDK reads them: `BatchResponseSubscriberEmailResponse`
 * (with `StandardError` per failed input) and the `Error` body of every refusal. Written once: the
 * relay's HubSpot-compatible routes answer in them, and the client reads HubSpot's answers as a
 * looser view of them (types.ts). Written out rather
 * than taken from the spec because the spec types `StandardError.subCategory` as an object where
 * HubSpot sends a string (see dev/hubspot-simulator/spec/README.md).
 */

const StringMap = Type.Record(Type.String(), Type.String());
const StringListMap = Type.Record(Type.String(), Type.Array(Type.String()));

export const ErrorDetail = Type.Object({
  message: Type.String(),
  in: Type.Optional(Type.String({ description: 'The field or parameter the error is about, e.g. `inputs[2].email`' })),
  code: Type.Optional(Type.String()),
  subCategory: Type.Optional(Type.String()),
  context: Type.Optional(StringListMap),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

/** HubSpot's `Error`: every non-200 answer of the intake routes. */
export const HubspotError = Type.Object(
  {
    status: Type.Literal('error'),
    message: Type.String(),
    correlationId: Type.String({ description: 'Also in the relay log line of the refusal' }),
    category: Type.String({ description: 'VALIDATION_ERROR, INVALID_AUTHENTICATION, OBJECT_NOT_FOUND or INTERNAL_ERROR' }),
    subCategory: Type.Optional(
      Type.String({ description: 'The relay error code, when the relay refused for a reason of its own (e.g. STORE_UNAVAILABLE)' }),
    ),
    errors: Type.Optional(Type.Array(ErrorDetail)),
    links: Type.Optional(StringMap),
  },
  { description: "HubSpot's error shape (components.schemas.Error)" },
);
export type HubspotError = Static<typeof HubspotError>;

/** HubSpot's `StandardError`: one input that HubSpot refused (a dead-lettered record). */
export const StandardError = Type.Object({
  status: Type.String(),
  category: Type.String(),
  subCategory: Type.Optional(Type.String()),
  message: Type.String(),
  context: StringListMap,
  errors: Type.Array(ErrorDetail),
  links: StringMap,
});
export type StandardError = Static<typeof StandardError>;

export const BATCH_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETE'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BatchResponse = Type.Object(
  {
    status: Type.Unsafe<BatchStatus>({
      type: 'string',
      enum: [...BATCH_STATUSES],
      description:
        'PENDING: stored, not yet read; PROCESSING: some inputs not yet delivered; COMPLETE: every input delivered or dead-lettered',
    }),
    results: Type.Array(Type.Object({ email: Type.String(), vid: Type.Integer() }), {
      description: 'Inputs HubSpot accepted, with the contact id it answered',
    }),
    numErrors: Type.Optional(Type.Integer()),
    errors: Type.Optional(Type.Array(StandardError, { description: 'Inputs HubSpot refused (dead-lettered), with its message' })),
    requestedAt: Type.String({ format: 'date-time', description: 'When the relay received the request' }),
    startedAt: Type.String({ format: 'date-time', description: 'When the relay turned it into records (the request time while PENDING)' }),
    completedAt: Type.String({
      format: 'date-time',
      description: 'When the last input was settled; while not COMPLETE, the time of this answer',
    }),
    links: Type.Record(Type.String(), Type.String(), {
      description: '`status`: the path of GET /intake/batches/{id}, relative to the base URL',
    }),
  },
  { description: "HubSpot's BatchResponseSubscriberEmailResponse" },
);
export type BatchResponse = Static<typeof BatchResponse>;
