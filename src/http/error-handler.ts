import type { FastifyError, FastifyInstance } from 'fastify';
import { errorBody, RelayError, type ErrorCode } from './errors.js';
import { FLOOD_CODES, RefusalLog } from './refusal-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The code the request was refused with, for metrics. */
    errorCode?: string;
  }
}

/** Fastify's own error codes, translated into the relay's catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_NOT_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_INVALID',
};

/** Every error leaves as `{code, message}` JSON; a stack trace never does. */
export function installErrorHandler(app: FastifyInstance): void {
  const refusals = new RefusalLog();
  app.decorateRequest('errorCode', undefined);
  app.setErrorHandler((error: FastifyError | RelayError, request, reply) => {
    if (error instanceof RelayError) {
      request.errorCode = error.code;
      if (FLOOD_CODES.has(error.code)) refusals.note(request.log, error.code, error.cause);
      else if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error, code: error.code }, error.message);
      // Any id can be posted to: unknown ones are counted (metrics), not logged per request.
      else if (error.code === 'SOURCE_NOT_FOUND') request.log.debug({ code: error.code }, 'request refused: unknown source');
      else request.log.info({ code: error.code, url: request.routeOptions.url }, `request refused: ${error.message}`);
      return reply.code(error.statusCode).headers(error.headers).send(errorBody(error.code, error.message));
    }
    if (error.validation) {
      request.errorCode = 'BODY_INVALID';
      const [first] = error.validation;
      const where = `${error.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
      request.log.info({ code: 'BODY_INVALID', url: request.routeOptions.url }, 'request refused: schema');
      return reply.code(400).send(errorBody('BODY_INVALID', `${where} ${first?.message ?? 'is invalid'}`));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    request.errorCode = mapped ?? (error.statusCode && error.statusCode < 500 ? 'BODY_INVALID' : 'INTERNAL_ERROR');
    if (mapped) return reply.code(error.statusCode ?? 400).send(errorBody(mapped));
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('BODY_INVALID', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL_ERROR'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}
