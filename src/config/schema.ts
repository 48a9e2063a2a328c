import { API_VERSION_PATTERN } from '../hubspot/api-paths.js';
import { Type, type Static } from 'typebox';
import type { SourceConfig } from '../sources/platforms.js';
import { MIN_SECRET_LENGTH } from '../sources/common-config.js';

export const ServerConfig = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
    host: Type.String({ minLength: 1, default: '0.0.0.0' }),
    /** Routes without a limit of their own (the admin API); webhooks and the intake routes have theirs. */
    bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
    /** Serve /metrics on this port only (not on `port`), e.g. one that no Service or ingress exposes. */
    metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    /** Webhooks waiting for their commit beyond this are refused with 503 + Retry-After (load shedding). */
    maxQueuedWebhooks: Type.Integer({ minimum: 1, default: 5000 }),
    /** Event-loop delay beyond this (ms, worst in the last second) also sheds webhooks with 503. */
    maxEventLoopDelayMs: Type.Integer({ minimum: 10, default: 1000 }),
    /** After SIGTERM, /readyz answers 503 this long while webhooks are still accepted, then the server closes. */
    drainDelayMs: Type.Integer({ minimum: 0, default: 0 }),
    /** How long SIGTERM waits for an in-flight HubSpot call before exiting anyway. */
    shutdownGraceMs: Type.Integer({ minimum: 0, default: 10_000 }),
    // A client that trickles its request (slowloris) is cut off rather than holding a socket.
    /** A request's headers must arrive within this (at most requestTimeoutMs). */
    headersTimeoutMs: Type.Integer({ minimum: 1000, default: 10_000 }),
    /** A whole request must arrive within this. */
    requestTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
    /** How often the two timeouts above are checked (Node's default is 30 s). */
    connectionsCheckingIntervalMs: Type.Integer({ minimum: 100, default: 2000 }),
    /**
     * Fastify's `connectionTimeout`. Fastify applies it only to a server it creates itself, and the
     * relay creates its own (for the timeouts above), so today it is recorded but not applied.
     */
    connectionTimeoutMs: Type.Integer({ minimum: 0, default: 60_000 }),
  },
  { additionalProperties: false, default: {} },
);

export const StoreConfig = Type.Object(
  {
    url: Type.String({ pattern: '^(sqlite:|postgres:|postgresql:)', default: 'sqlite:./data/relay.db' }),
    /** Delivered records and processed webhooks are pruned after this many days. */
    retentionDays: Type.Number({ exclusiveMinimum: 0, default: 7 }),
    /**
     * PostgreSQL: a session idle this long inside a transaction is ended by the server, so a
     * replica frozen mid-round stalls the others' processing for at most about this long.
     */
    idleInTransactionTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
  },
  { additionalProperties: false, default: {} },
);

// --- HubSpot OAuth (issue 19) ---
export const HubspotOAuthConfig = Type.Object(
  {
    clientId: Type.String({ minLength: 1 }),
    /** A secret: write it as ${ENV_VAR}. */
    clientSecret: Type.String({ minLength: 1 }),
    /** A secret: write it as ${ENV_VAR}. */
    refreshToken: Type.String({ minLength: 1 }),
    /** HubSpot's token endpoint (https://developers.hubspot.com/docs/methods/OAuth2/refresh-access-token). */
    tokenUrl: Type.String({ pattern: '^https?://', default: 'https://api.hubapi.com/oauth/v1/token' }),
  },
  { additionalProperties: false },
);
// --- end HubSpot OAuth ---

export const HubspotConfig = Type.Object(
  {
    baseUrl: Type.String({ pattern: '^https?://', default: 'https://api.hubapi.com' }),
    accessToken: Type.Optional(Type.String()),
    /** OAuth instead of a fixed token (never both): the access token is refreshed with the refresh_token grant. */
    oauth: Type.Optional(HubspotOAuthConfig),
    /**
     * `v3`, or a HubSpot date version (`2026-03`, `2026-09`, ...): the paths every HubSpot call uses.
     * The pattern matches src/hubspot/api-paths.ts (config may not import hubspot/).
     */
    apiVersion: Type.Optional(Type.String({ pattern: API_VERSION_PATTERN, default: 'v3' })),
    /** With NODE_ENV=production, plain http is refused for baseUrl unless its host is loopback or listed here (a simulator on a private network). */
    allowHttpHosts: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] })),
    batchSize: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
    batchWaitMs: Type.Integer({ minimum: 0, default: 1000 }),
    requestsPerTenSeconds: Type.Integer({ minimum: 1, default: 100 }),
    maxDeliveryAgeHours: Type.Number({ exclusiveMinimum: 0, default: 72 }),
    requestTimeoutMs: Type.Integer({ minimum: 100, default: 15_000 }),
    maxConcurrentRequests: Type.Integer({ minimum: 1, maximum: 32, default: 4 }),
    /** A claimed batch is renewed while in flight; a replica that dies loses it after this long. */
    batchLeaseMs: Type.Integer({ minimum: 1000, default: 60_000 }),
    /** While HubSpot answers 401/403, one batch is tried this often to see if access is back. */
    authProbeIntervalMs: Type.Integer({ minimum: 100, default: 60_000 }),
    /** A marketing event the relay creates (createEvents) is upserted again for changed details at most this often. */
    eventUpdateIntervalSeconds: Type.Optional(Type.Integer({ minimum: 0, default: 60 })),
  },
  { additionalProperties: false, default: {} },
);

export const ProcessingConfig = Type.Object(
  {
    /**
     * An event time (a join, a leave, a registration, an end) more than this far after the
     * webhook reached the relay cannot have happened yet: it is replaced by the time the webhook
     * arrived, and logged. Scheduled times (a webinar's start and end) are not bounded.
     */
    maxEventTimeAheadMinutes: Type.Number({ minimum: 0, default: 15 }),
  },
  { additionalProperties: false, default: {} },
);

export const LoggingConfig = Type.Object(
  {
    level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info' },
    ),
    maskEmails: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const AdminConfig = Type.Object(
  {
    /** Bearer token for /status and /admin/*; without one those routes are off (404), not open. */
    token: Type.Optional(Type.String({ minLength: MIN_SECRET_LENGTH })),
  },
  { additionalProperties: false, default: {} },
);

// --- HubSpot-compatible intake (src/hubspot-compat) ---
export const IntakeConfig = Type.Object(
  {
    /** Bearer tokens accepted on the HubSpot-compatible routes (secrets); none: those routes are off (404). */
    tokens: Type.Array(Type.String({ minLength: MIN_SECRET_LENGTH }), { default: [] }),
    /** The largest request body of the two POST routes: 1,000 inputs (their maximum) of about 250 bytes each. */
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16_777_216, default: 262_144 }),
    /** `Prefer: wait` requests held at once, in all and per token; past either, the answer comes at once (as without the preference). */
    maxWaiters: Type.Integer({ minimum: 0, default: 100 }),
    maxWaitersPerToken: Type.Integer({ minimum: 0, default: 10 }),
  },
  { additionalProperties: false, default: {} },
);
export type IntakeConfig = Static<typeof IntakeConfig>;
// --- end HubSpot-compatible intake ---

/** The relay creates and maintains the HubSpot marketing event (docs/hubspot-events.md). */
export const CreateEventsConfig = Type.Object(
  {
    /** HubSpot requires an organizer on every marketing event. */
    eventOrganizer: Type.String({ minLength: 1 }),
    eventType: Type.Optional(Type.String({ minLength: 1 })),
    /** Property name → value, sent as HubSpot PropertyValues. */
    customProperties: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type CreateEventsConfig = Static<typeof CreateEventsConfig>;

export const HubspotTargetConfig = Type.Union([
  Type.Object({ objectId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object(
    {
      /** Defaults to the source's id. */
      externalAccountId: Type.Optional(Type.String({ minLength: 1 })),
      externalEventId: Type.Optional(Type.String({ minLength: 1 })),
      createEvents: CreateEventsConfig,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      externalAccountId: Type.String({ minLength: 1 }),
      /** Defaults to the source event id. */
      externalEventId: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
]);

export const EventMappingConfig = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    /** A source event id, or "*" for every event of the source. */
    sourceEventId: Type.String({ minLength: 1 }),
    hubspot: HubspotTargetConfig,
    /** When the event ends (ISO-8601): the leave time of an attendance whose source gives none. */
    endsAt: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T' })),
    /** The event's name in HubSpot when the relay creates it and the source gives none. */
    name: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export { SourceConfigByType, type SourceConfig, type SourceType } from '../sources/platforms.js';

export const RelayConfigShape = Type.Object(
  {
    server: ServerConfig,
    store: StoreConfig,
    hubspot: HubspotConfig,
    processing: ProcessingConfig,
    logging: LoggingConfig,
    admin: AdminConfig,
    intake: IntakeConfig, // HubSpot-compatible intake
    sources: Type.Array(Type.Object({ id: Type.String(), type: Type.String() }), { default: [] }),
    events: Type.Array(EventMappingConfig, { default: [] }),
  },
  { additionalProperties: false },
);

export type ServerConfig = Static<typeof ServerConfig>;
export type StoreConfig = Static<typeof StoreConfig>;
export type HubspotConfig = Static<typeof HubspotConfig>;
export type ProcessingConfig = Static<typeof ProcessingConfig>;
export type LoggingConfig = Static<typeof LoggingConfig>;
export type AdminConfig = Static<typeof AdminConfig>;
export type EventMappingConfig = Static<typeof EventMappingConfig>;

export interface RelayConfig {
  server: ServerConfig;
  store: StoreConfig;
  hubspot: HubspotConfig;
  processing: ProcessingConfig;
  logging: LoggingConfig;
  admin: AdminConfig;
  /** HubSpot-compatible intake (src/hubspot-compat). */
  intake: IntakeConfig;
  sources: SourceConfig[];
  events: EventMappingConfig[];
  /** True when no HubSpot token is set outside production: deliveries go to the built-in simulator. */
  sandbox: boolean;
}
