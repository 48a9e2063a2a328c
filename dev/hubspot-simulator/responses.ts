import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { WRITE_SCOPE } from './types.js';
import type { RatePolicy } from './rate-window.js';

/** Body builders, worded as HubSpot words them (see README for which parts are assumed). */

export interface SubscriberEmailResponse {
  email: string;
  vid: number;
}

/** components.schemas.StandardError: one failed input inside a 200 batch answer. */
export interface StandardError {
  status: 'error';
  category: string;
  subCategory?: string;
  message: string;
  context: Record<string, string[]>;
  errors: unknown[];
  links: Record<string, string>;
}

export function authenticationError(): Record<string, unknown> {
  return {
    status: 'error',
    message:
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    correlationId: randomUUID(),
    category: 'INVALID_AUTHENTICATION',
  };
}

export function missingScopesError(): Record<string, unknown> {
  return {
    status: 'error',
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId: randomUUID(),
    errors: [{ message: 'One or more of the following scopes are required.', context: { requiredScopes: [WRITE_SCOPE] } }],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
    category: 'MISSING_SCOPES',
  };
}

export function validationError(message: string): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category: 'VALIDATION_ERROR' };
}

export function rateLimitError(policy: RatePolicy): Record<string, unknown> {
  const limitName = policy === 'DAILY' ? 'daily' : 'ten_secondly_rolling';
  return {
    status: 'error',
    message: `You have reached your ${limitName} limit.`,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    category: 'RATE_LIMITS',
  };
}

// Categories for injected statuses; HubSpot's wording for these is not published, so it is a guess.
const STATUS_CATEGORIES: Record<number, string> = {
  404: 'OBJECT_NOT_FOUND',
  409: 'CONFLICT',
  423: 'LOCKED',
  429: 'RATE_LIMITS',
};

export function statusFaultBody(status: number): Record<string, unknown> {
  const category = STATUS_CATEGORIES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
  const message = status === 423 ? 'The resource is locked. Retry after at least 2 seconds.' : (STATUS_CODES[status] ?? 'error');
  return { status: 'error', message, correlationId: randomUUID(), category };
}

export function inputError(fields: { category: string; subCategory?: string; message: string; email: string }): StandardError {
  const error: StandardError = {
    status: 'error',
    category: fields.category,
    message: fields.message,
    context: { emails: [fields.email] },
    errors: [],
    links: {},
  };
  if (fields.subCategory !== undefined) error.subCategory = fields.subCategory;
  return error;
}

export function invalidEmailError(email: string): StandardError {
  return inputError({
    category: 'VALIDATION_ERROR',
    subCategory: 'AttendanceValidationError.INVALID_EMAIL',
    message: `Invalid email \`${email}\``,
    email,
  });
}

export function joinedAfterLeftError(email: string): StandardError {
  return inputError({
    category: 'VALIDATION_ERROR',
    subCategory: 'AttendanceValidationError.JOINED_AT_IS_LATER_THAN_LEFT_AT_FOR_EMAIL',
    message: `joinedAt param must be earlier than leftAt for \`${email}\``,
    email,
  });
}

/** components.schemas.BatchResponseSubscriberEmailResponse; numErrors/errors only when there are errors. */
export function batchResponse(outcome: {
  results: SubscriberEmailResponse[];
  errors: StandardError[];
  requestedAt: Date;
  startedAt: Date;
}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results: outcome.results,
    startedAt: outcome.startedAt.toISOString(),
    completedAt: new Date().toISOString(),
    requestedAt: outcome.requestedAt.toISOString(),
  };
  if (outcome.errors.length > 0) {
    body.numErrors = outcome.errors.length;
    body.errors = outcome.errors;
  }
  return body;
}
