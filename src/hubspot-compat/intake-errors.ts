import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { RelayError } from '../http/errors.js';
import { FLOOD_CODES, RefusalLog } from '../http/refusal-log.js';
import { IntakeError } from './answer-shapes.js';
import { validationRefusal } from './validation.js';

function categoryFor(status: number): string {
  if (status === 401) return 'INVALID_AUTHENTICATION';
  if (status === 404) return 'OBJECT_NOT_FOUND';
  return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
}

/** Any error of the intake routes as HubSpot's error shape. */
function asIntakeError(error: FastifyError | Error): IntakeError {
  if (error instanceof IntakeError) return error;
  if (error instanceof RelayError) {
    return new IntakeError(error.statusCode, categoryFor(error.statusCode), error.message, {
      subCategory: error.code,
      headers: error.headers,
    });
  }
  const fastify = error as FastifyError;
  if (fastify.validation) return validationRefusal(fastify.validation as ErrorObject[], fastify.validationContext ?? 'body');
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return asIntakeError(new RelayError('BODY_TOO_LARGE'));
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return asIntakeError(new RelayError('UNSUPPORTED_MEDIA_TYPE'));
  if (fastify.statusCode !== undefined && fastify.statusCode < 500) {
    const message = `Invalid input JSON: ${fastify.message}`;
    return new IntakeError(400, 'VALIDATION_ERROR', message, { errors: [{ message, in: 'body', code: 'INVALID_JSON' }] });
  }
  return new IntakeError(500, 'INTERNAL_ERROR', 'Something went wrong inside the relay', { subCategory: 'INTERNAL_ERROR' });
}

/**
 * The intake routes' error handler: every refusal in HubSpot's shape with a fresh correlationId,
 * logged once per request (floods of shedding refusals at most once per interval, see RefusalLog).
 */
export function intakeErrorHandler(refusals = new RefusalLog()) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const refusal = asIntakeError(error);
    const correlationId = randomUUID();
    const fields = refusal.extra.errors?.map((e) => e.in);
    const line = {
      correlationId,
      httpStatus: refusal.statusCode,
      category: refusal.category,
      subCategory: refusal.extra.subCategory,
      fields,
      url: request.routeOptions.url,
    };
    if (refusal.extra.subCategory && FLOOD_CODES.has(refusal.extra.subCategory))
      refusals.note(request.log, refusal.extra.subCategory, refusal.cause);
    else if (refusal.statusCode >= 500) request.log.error({ ...line, err: refusal.cause ?? error }, 'hubspot intake request failed');
    else request.log.info(line, 'hubspot intake request refused');
    return reply
      .code(refusal.statusCode)
      .headers(refusal.extra.headers ?? {})
      .send(refusal.body(correlationId));
  };
}
