import { Type, type Static, type TSchema } from 'typebox';
import { MIN_SECRET_LENGTH, SourceId, WebhookBodyLimit } from '../common-config.js';
import { parseSpec, pathProblem } from './path.js';
import { standardWebhooksSecretProblem } from './verify.js';

/**
 * Configuration of generic sources (`type: generic`) and of presets (`type: tito`, ...). Problems
 * are reported by the config loader with the exact key, e.g. `sources[2].verify: is required` or
 * `sources[2].map.email: not a valid path: "data..email": a "." must follow a key or a [...]`.
 */

/** A string that must be one of `values`; the message lists them (TypeBox's enum message does not). */
function oneOf<const T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) {
  const schema = Type.Refine(
    Type.String(options),
    (value: string) => values.includes(value),
    () => `must be one of: ${values.join(', ')}`,
  );
  return Type.Unsafe<T[number]>(schema);
}

/** Why `value` is not a path (`data.email`, `items[0].id`, `fields[id=email].value`, `header:x-name`) or a non-empty list of paths. */
function pathSpecProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const problem = pathProblem(value);
    return problem && `not a valid path: ${problem}`;
  }
  if (!Array.isArray(value) || value.length === 0) return 'must be a path or a list of paths';
  for (const [i, item] of value.entries()) {
    const problem = typeof item === 'string' ? pathProblem(item) : 'not text';
    if (problem) return `[${i}] is not a valid path: ${problem}`;
  }
  return undefined;
}

/** A value `problem` accepts (returns undefined for): one check, so one clear message. */
function refinedBy<T>(problem: (value: unknown) => string | undefined) {
  return Type.Unsafe<T>(
    Type.Refine(
      Type.Unknown(),
      (value: unknown) => problem(value) === undefined,
      (value: unknown) => problem(value) ?? '',
    ),
  );
}

/** A path, or several tried in order (the first with a value wins). */
const Path = refinedBy<string | string[]>(pathSpecProblem);

/** `const:<event type>`: every webhook of the source is of that type (one URL per subscription). */
export const CONST_PREFIX = 'const:';

/** Why `value` is not an event type spec: a path (or paths), or `const:<event type>`. */
function eventTypeSpecProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && value.startsWith(CONST_PREFIX)) {
    return value.slice(CONST_PREFIX.length).trim() === ''
      ? `${CONST_PREFIX} needs an event type after it, e.g. "${CONST_PREFIX}people.attended"`
      : undefined;
  }
  return pathSpecProblem(value);
}
const EventTypeSpec = refinedBy<string | string[]>(eventTypeSpecProblem);

/**
 * `{ kind: checkin, when: checkin_uuid }`: a body is of `kind` when the path has a value (equal to
 * `equals`, if given). The first rule a body matches gives its kind.
 */
const BodyKindRule = Type.Object(
  {
    kind: Type.String({ minLength: 1 }),
    when: Path,
    equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  },
  { additionalProperties: false },
);
export type BodyKindRule = Static<typeof BodyKindRule>;

/** The path form of map.bodyType; for a list of rules it names both forms (a bad rule also gets its own errors). */
const BodyTypePath = refinedBy<string | string[]>((value) =>
  Array.isArray(value) && value.some((item) => typeof item !== 'string')
    ? 'must be a path, a list of paths, or a list of rules { kind, when, equals }'
    : pathSpecProblem(value),
);

/**
 * Several people in one webhook (Tito: a registration's `tickets[]`): `list` is where the list is,
 * the other paths are read from each element. Each element with an email is one person; when none
 * has one, the webhook's own person (map.email ...) is.
 */
const PeopleMap = Type.Object(
  {
    list: Path,
    email: Path,
    firstName: Type.Optional(Path),
    lastName: Type.Optional(Path),
    fullName: Type.Optional(Path),
  },
  { additionalProperties: false },
);
export type PeopleMap = Static<typeof PeopleMap>;

/** For platforms that sign only the body: how old a webhook's own time may be. */
export const DEFAULT_MAX_BODY_AGE_HOURS = 6;
export function MaxBodyAgeHours() {
  return Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      default: DEFAULT_MAX_BODY_AGE_HOURS,
      description: 'A webhook whose own time is older than this many hours is refused (401 TIMESTAMP_OUT_OF_RANGE) as a replay',
    }),
  );
}

export const STATE_NAMES = ['register', 'attend', 'cancel'] as const;
export type StateName = (typeof STATE_NAMES)[number];
const StateName = oneOf(STATE_NAMES);

/** `{ state: attend, when: data.checked_in_at }`: this state only when the path has a value (equal to `equals`, if given). */
const StateRule = Type.Object(
  {
    state: StateName,
    when: Type.Optional(Path),
    equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  },
  { additionalProperties: false },
);

/**
 * A state, a rule, or rules tried in order. The first branch reports for every wrong value (its message
 * names all three forms); a malformed rule also gets its own errors on the keys within.
 */
const StateSpec = Type.Unsafe<StateName | Static<typeof StateRule> | Array<Static<typeof StateRule>>>(
  Type.Union([
    Type.Refine(
      Type.Unknown(),
      (value: unknown) => (STATE_NAMES as readonly unknown[]).includes(value),
      () => `must be one of: ${STATE_NAMES.join(', ')}, or a rule { state, when, equals } (or a list of rules)`,
    ),
    StateRule,
    Type.Array(StateRule, { minItems: 1 }),
  ]),
);

/** HubSpot internal property names (`firstname`, `hs_language`, `ticket_type`): letters, digits and `_`. */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/u;

/** Why `value` is not a map of HubSpot contact property → path. */
function contactPropertiesProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'must be an object of HubSpot contact property name → path';
  for (const [name, spec] of Object.entries(value)) {
    if (name === 'email') return '"email" identifies the contact: map it with map.email';
    if (!PROPERTY_NAME.test(name))
      return `"${name}" is not a HubSpot property internal name (letters, digits and _, starting with a letter)`;
    const problem = pathSpecProblem(spec);
    if (problem) return `${name}: ${problem}`;
  }
  return undefined;
}

/**
 * HubSpot contact property (internal name) → path. firstname, lastname, company, jobtitle, phone,
 * city and country fill the contact's own fields (merged with what earlier webhooks said about the
 * same person); any other property is sent as found. All values are sent as strings.
 */
const ContactPropertyPaths = refinedBy<Record<string, string | string[]>>(contactPropertiesProblem);

export const MapConfig = Type.Object(
  {
    /**
     * Where the event type is (a body path or `header:<name>`), or `const:<event type>` when every
     * webhook of this source is of one type (a platform that sends one subscription to one URL).
     */
    eventType: EventTypeSpec,
    /**
     * What the body says it is, which must equal the event type up to its first ".". Required when
     * the event type is read from a header that the signature does not cover. A path (Tito's
     * `_type`), or rules `[{ kind, when, equals }]` for bodies that say it in different ways.
     */
    bodyType: Type.Optional(Type.Union([BodyTypePath, Type.Array(BodyKindRule, { minItems: 1 })])),
    /** Several people in one webhook (see PeopleMap). */
    people: Type.Optional(PeopleMap),
    /** Event type → state; types not listed are acknowledged and ignored. */
    states: Type.Record(Type.String({ minLength: 1 }), StateSpec, { minProperties: 1 }),
    email: Path,
    firstName: Type.Optional(Path),
    lastName: Type.Optional(Path),
    /** Split into first and last name when those are not mapped or empty. */
    fullName: Type.Optional(Path),
    /** When it happened: ISO-8601, or epoch seconds or milliseconds (told apart by magnitude). */
    occurredAt: Type.Optional(Path),
    /** The source event the attendance belongs to (matched against `events[].sourceEventId`). */
    sourceEventId: Path,
    /** Identifies a delivery: a redelivery with the same value is a duplicate. Default: Standard Webhooks' webhook-id, else the body's hash. */
    deliveryId: Type.Optional(Path),
    /** attend: when the person arrived (default: occurredAt). */
    joinedAt: Type.Optional(Path),
    /** attend: when they left (default: joinedAt + durationSeconds, else the event's end, else defaultAttendMinutes). */
    leftAt: Type.Optional(Path),
    /** attend: how long they stayed, in seconds (used when leftAt is not mapped or empty). */
    durationSeconds: Type.Optional(Path),
    contactProperties: Type.Optional(ContactPropertyPaths),
    /** The event's name, start, end and link: for a HubSpot event the relay creates (createEvents). */
    eventName: Type.Optional(Path),
    eventStartsAt: Type.Optional(Path),
    eventEndsAt: Type.Optional(Path),
    eventUrl: Type.Optional(Path),
  },
  { additionalProperties: false },
);
export type MapConfig = Static<typeof MapConfig>;

/** A Standard Webhooks secret: strict base64 of at least 24 bytes (a short key can be forged by trying). */
export const StandardWebhooksSecret = Type.Refine(
  Type.Unknown(),
  (value: unknown) => typeof value !== 'string' || value === '' || standardWebhooksSecretProblem(value) === undefined, // '' is reported by minLength
  (value: unknown) => (typeof value === 'string' && standardWebhooksSecretProblem(value)) || '',
);

export const VERIFY_SCHEMES = ['standard-webhooks', 'hmac-sha256', 'bearer', 'livestorm'] as const;

/** `scheme` needs `keys`: reported as "<scheme> needs ..." on `scheme` and "is required" on each missing key. */
function requires(key: string, value: string, keys: string[]): TSchema {
  return {
    anyOf: [
      {
        properties: {
          [key]: Type.Refine(
            Type.Unknown(),
            (v: unknown) => v !== value,
            () => `${key} ${value} also needs ${keys.join(' and ')}`,
          ),
        },
      },
      { required: keys },
    ],
  } as unknown as TSchema;
}

/**
 * One flat object for every scheme (so each key is checked and reported on its own); which keys a
 * scheme needs is checked by `requires`. Keys a scheme does not use are ignored.
 */
/** An HTTP header name (RFC 9110 token). */
const HeaderName = Type.String({ minLength: 1, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" });

export const VerifyConfig = Type.Object(
  {
    scheme: oneOf(VERIFY_SCHEMES),
    /** standard-webhooks: the signing secret (`whsec_` + base64); hmac-sha256 and livestorm: the shared secret. */
    secret: Type.Optional(Type.String({ minLength: MIN_SECRET_LENGTH })),
    /** bearer: the token expected in `Authorization: Bearer <token>`. */
    token: Type.Optional(Type.String({ minLength: MIN_SECRET_LENGTH })),
    /** hmac-sha256: the header carrying the signature. */
    header: Type.Optional(HeaderName),
    encoding: oneOf(['hex', 'base64'] as const, { default: 'hex' }),
    /** hmac-sha256: text before the signature in the header, e.g. "sha256=". */
    prefix: Type.String({ default: '' }),
    /** hmac-sha256: what is signed: the raw body, or `{timestamp}.{raw body}`. */
    signedPayload: oneOf(['body', 'timestamp.body'] as const, { default: 'body' }),
    /** hmac-sha256 with signedPayload timestamp.body: the header carrying the timestamp (epoch seconds). */
    timestampHeader: Type.Optional(HeaderName),
    /** Signed timestamps further than this from now (either way) are refused. */
    toleranceSeconds: Type.Integer({ minimum: 1, default: 300 }),
    /** hmac-sha256 with signedPayload body (no signed time): a webhook whose own time is older than this is refused as a replay. */
    maxBodyAgeHours: MaxBodyAgeHours(),
  },
  {
    additionalProperties: false,
    allOf: [
      requires('scheme', 'standard-webhooks', ['secret']),
      {
        anyOf: [
          {
            properties: {
              scheme: Type.Refine(
                Type.Unknown(),
                (v: unknown) => v !== 'standard-webhooks',
                () => 'scheme standard-webhooks needs a base64 secret',
              ),
            },
          },
          { properties: { secret: StandardWebhooksSecret } },
        ],
      } as unknown as TSchema,
      requires('scheme', 'hmac-sha256', ['secret', 'header']),
      requires('scheme', 'bearer', ['token']),
      requires('scheme', 'livestorm', ['secret']),
      requires('signedPayload', 'timestamp.body', ['timestampHeader']),
    ],
  },
);
export type VerifyConfig = Static<typeof VerifyConfig>;

export const DefaultAttendMinutes = Type.Number({
  exclusiveMinimum: 0,
  default: 60,
  description: 'Length of an attendance whose leave time is unknown (no leftAt, no event end)',
});

export const GenericSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('generic'),
    /** Required: a generic source never accepts unverified webhooks. */
    verify: VerifyConfig,
    map: MapConfig,
    defaultAttendMinutes: DefaultAttendMinutes,
    bodyLimitBytes: WebhookBodyLimit,
  },
  { additionalProperties: false },
);
export type GenericSourceConfig = Static<typeof GenericSourceConfig>;

/**
 * What the schema cannot say about a generic source: an hmac-sha256 signature over the body alone
 * covers no header, so an event type read from a header needs `map.bodyType` to be checked against.
 */
export function genericSourceProblems(source: GenericSourceConfig, at: string): string[] {
  const { verify, map } = source;
  if (verify.scheme !== 'hmac-sha256' || verify.signedPayload !== 'body' || map.bodyType !== undefined) return [];
  if (typeof map.eventType === 'string' && map.eventType.startsWith(CONST_PREFIX)) return [];
  let fromHeader: boolean;
  try {
    fromHeader = parseSpec(map.eventType).some((path) => path.kind === 'header');
  } catch {
    return []; // a malformed path is reported by the schema
  }
  return fromHeader
    ? [
        `${at}.map.bodyType: is required: map.eventType reads a header, which an hmac-sha256 signature of the body does not cover, so the body must say what it is (e.g. bodyType: _type)`,
      ]
    : [];
}
