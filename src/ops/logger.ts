import { pino, stdSerializers, type Logger, type DestinationStream } from 'pino';
import type { LoggingConfig } from '../config/schema.js';

/**
 * Paths never written to a log. Fastify request logs, config dumps and error
 * objects all pass through these.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-zm-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'config.hubspot.accessToken',
  '*.accessToken',
  '*.secretToken',
  '*.secret',
  '*.token',
  '*.tokens',
  'intake.tokens',
  '*.apiToken',
  '*.webhookToken',
  '*.adminToken',
];

export function createLogger(config: Pick<LoggingConfig, 'level'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // Query strings can carry tokens (Eventbrite-style ?token=): log the path only.
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
        err: stdSerializers.err,
      },
    },
    destination,
  );
}
