import type { FastifyReply, FastifyRequest } from 'fastify';
import { RelayError } from '../http/errors.js';
import { bearerToken, sameSecret } from '../support/secrets.js';

/**
 * The admin API's onRequest hook, for every admin route file: answers are never cached, sniffed or
 * framed, and a request without the admin token is refused before any work.
 */
export function adminGuard(token: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.headers({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    });
    const given = bearerToken(request.headers.authorization);
    if (!given || !sameSecret(given, token)) throw new RelayError('ADMIN_UNAUTHORIZED');
  };
}
