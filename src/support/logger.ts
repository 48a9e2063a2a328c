import { pino, stdSerializers, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

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
  '*.clientSecret',
  '*.adminToken',
  // hubspot.oauth (a client secret and a refresh token), wherever a config or its section is logged.
  'config.hubspot.oauth.clientSecret',
  'config.hubspot.oauth.refreshToken',
  'hubspot.oauth.clientSecret',
  'hubspot.oauth.refreshToken',
  '*.clientSecret',
  '*.refreshToken',
  '*.client_secret',
  '*.refresh_token',
  '*.access_token',
];

/** `config`: logging.level of the configuration (support/ takes the shape, not config's type). */
export function createLogger(config: { level: LevelWithSilent }, destination?: DestinationStream): Logger {
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
