import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { SUBSCRIBER_STATES, type SubscriberState } from '../domain/facts.js';
import type { ErrorDetail, HubspotError } from '../hubspot/shapes.js';

/** HubSpot's shapes, in which the intake routes answer. */
export { BATCH_STATUSES, BatchResponse, ErrorDetail, HubspotError, StandardError, type BatchStatus } from '../hubspot/shapes.js';

export const SubscriberStateParam = Type.Unsafe<SubscriberState>({
  type: 'string',
  enum: [...SUBSCRIBER_STATES],
  description: 'register, attend or cancel',
});

/** A refusal in HubSpot's shape; thrown by the intake routes and hooks, answered by their error handler. */
export class IntakeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly category: string,
    message: string,
    readonly extra: { errors?: ErrorDetail[]; subCategory?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'IntakeError';
  }

  body(correlationId: string = randomUUID()): HubspotError {
    const body: HubspotError = { status: 'error', message: this.message, correlationId, category: this.category };
    if (this.extra.subCategory !== undefined) body.subCategory = this.extra.subCategory;
    if (this.extra.errors !== undefined) body.errors = this.extra.errors;
    return body;
  }
}

/** HubSpot's wording for a request without usable credentials. */
export function authenticationRefusal(presented: boolean): IntakeError {
  return new IntakeError(
    401,
    'INVALID_AUTHENTICATION',
    presented
      ? "Authentication credentials are not valid: the bearer token is not one of this relay's intake.tokens."
      : "Authentication credentials not found. Send Authorization: Bearer <token> with one of this relay's intake.tokens.",
  );
}
