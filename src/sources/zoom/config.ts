import { Type, type Static } from 'typebox';

export const ZoomSourceConfig = Type.Object(
  {
    id: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]+$' }),
    type: Type.Literal('zoom'),
    secretToken: Type.String({ minLength: 1, description: 'The Secret Token of the Zoom app (Features → Event Subscriptions)' }),
    /** Zoom retries after 5, 20 and 60 minutes with the original timestamp, so 90 minutes by default. */
    timestampToleranceSeconds: Type.Integer({ minimum: 1, default: 5400 }),
    /** A participant who never leaves and whose meeting never ends is closed after this long. */
    sessionTimeoutHours: Type.Number({ exclusiveMinimum: 0, default: 12 }),
  },
  { additionalProperties: false },
);
export type ZoomSourceConfig = Static<typeof ZoomSourceConfig>;
