import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { RelayError } from '../../http/errors.js';
import type { AttendanceFact } from '../../domain/facts.js';
import type { RawWebhook, Source, WebhookRequest, WebhookVerdict } from '../types.js';
import { sourceModule } from '../module.js';
import { DEFAULT_MAX_BODY_AGE_HOURS, GenericSourceConfig, type MapConfig, type VerifyConfig } from './config.js';
import { Mapper } from './map.js';
import type { Payload } from './path.js';
import { verifyWebhook, type VerifySettings } from './verify.js';

/**
 * A source configured by data: `verify` says how its webhooks are authenticated, `map` where the
 * event type, the person, the event and the times are. Presets (presets/) are the same with a
 * built-in `verify` and `map`.
 *
 * What is stored: the raw body, as for every source, unless the mapping reads request headers
 * (`header:<name>` paths, e.g. Tito's `X-Webhook-Name`). `interpret` sees only the stored body, so
 * then the verdict carries `storedBody`: a small envelope with those headers and the raw body (see
 * GenericEnvelope), which the webhook route stores instead of the raw bytes.
 */

const ENVELOPE_MARK = 'generic-webhook/1';

/** What is stored for a source whose mapping reads headers: those headers and the raw body. */
export interface GenericEnvelope {
  $envelope: typeof ENVELOPE_MARK;
  headers: Record<string, string>;
  /** The raw body as received (UTF-8). */
  body: string;
}

function isEnvelope(value: unknown): value is GenericEnvelope {
  const v = value as Partial<GenericEnvelope> | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    v.$envelope === ENVELOPE_MARK &&
    typeof v.body === 'string' &&
    typeof v.headers === 'object' &&
    v.headers !== null
  );
}

export interface GenericSourceSettings {
  id: string;
  /** The configured type (`generic`, `tito`, ...). */
  type: string;
  verify: VerifySettings;
  map: MapConfig;
  defaultAttendMinutes: number;
  bodyLimitBytes?: number;
}

/** The resolved verify settings of a validated `verify` block (the schema guarantees the keys each scheme needs). */
export function verifySettings(verify: VerifyConfig): VerifySettings {
  const need = (value: string | undefined, key: string): string => {
    if (value === undefined) throw new Error(`verify.${key} is required for scheme ${verify.scheme}`);
    return value;
  };
  switch (verify.scheme) {
    case 'standard-webhooks':
    case 'livestorm':
      return { scheme: verify.scheme, secret: need(verify.secret, 'secret'), toleranceSeconds: verify.toleranceSeconds };
    case 'hmac-sha256':
      return {
        scheme: 'hmac-sha256',
        secret: need(verify.secret, 'secret'),
        header: need(verify.header, 'header').toLowerCase(),
        encoding: verify.encoding,
        prefix: verify.prefix,
        signedPayload: verify.signedPayload,
        timestampHeader:
          verify.signedPayload === 'timestamp.body' ? need(verify.timestampHeader, 'timestampHeader').toLowerCase() : undefined,
        toleranceSeconds: verify.toleranceSeconds,
        maxBodyAgeHours: verify.maxBodyAgeHours,
      };
    case 'bearer':
      return { scheme: 'bearer', token: need(verify.token, 'token') };
  }
}

export function createGenericSourceFromConfig(config: GenericSourceConfig): Source {
  return createGenericSource({ ...config, verify: verifySettings(config.verify) });
}

/** `type: generic`: the platform module (see ../module.ts). */
export const genericModule = sourceModule({ type: 'generic', configSchema: GenericSourceConfig, create: createGenericSourceFromConfig });

const SESSION_TIMEOUT_MS = 12 * 3_600_000; // unused: generic facts are whole attendances, never open sessions

/**
 * A signature over the body alone (hmac-sha256, signedPayload body; Tito) covers no header and no
 * time, so a captured body could be posted again, later or under another event name. Such
 * webhooks are deduplicated on the body alone, the body must agree with the event type
 * (map.bodyType), and a body whose own time is older than maxBodyAgeHours is refused.
 */
function bodyOnlyReplayRules(verify: VerifySettings): { maxAgeMs: number } | undefined {
  if (verify.scheme !== 'hmac-sha256' || verify.signedPayload !== 'body') return undefined;
  return { maxAgeMs: (verify.maxBodyAgeHours ?? DEFAULT_MAX_BODY_AGE_HOURS) * 3_600_000 };
}

function refuseStale(facts: AttendanceFact[], receivedAt: number, maxAgeMs: number): void {
  const oldest = Math.min(...facts.map((f) => ('occurredAt' in f ? f.occurredAt : receivedAt)));
  if (oldest < receivedAt - maxAgeMs) {
    throw new RelayError(
      'TIMESTAMP_OUT_OF_RANGE',
      `The webhook's own time is more than ${maxAgeMs / 3_600_000} h old; an old signed body is not accepted again`,
    );
  }
}

export function createGenericSource(settings: GenericSourceSettings): Source {
  const mapper = new Mapper(`${settings.type} source "${settings.id}"`, settings.map);
  const needsEnvelope = mapper.storedHeaders.length > 0;
  const bodyOnly = bodyOnlyReplayRules(settings.verify);

  return {
    id: settings.id,
    type: settings.type,
    envelopeSchema: Type.Object({}, { additionalProperties: true, description: `A ${settings.type} webhook (JSON object)` }),
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    defaultAttendMs: settings.defaultAttendMinutes * 60_000,
    bodyLimitBytes: settings.bodyLimitBytes,

    verify(request: RawWebhook) {
      return verifyWebhook(settings.verify, { headers: request.headers, rawBody: request.rawBody, nowMs: request.receivedAt });
    },

    receive(request: WebhookRequest): WebhookVerdict {
      const payload: Payload = { body: request.body, headers: request.headers };
      const state = mapper.decide(payload);
      if (state === undefined) {
        return {
          kind: 'respond',
          statusCode: 200,
          body: { received: true, ignored: true },
          ignoredEventType: mapper.eventTypeOf(payload) ?? '',
        };
      }
      if (bodyOnly) mapper.checkBodyType(payload);
      // Reading the facts now refuses (400, naming the path) what could never be turned into attendance.
      const facts = mapper.facts(payload, state);
      if (bodyOnly) refuseStale(facts, request.receivedAt, bodyOnly.maxAgeMs);
      const storedBody = needsEnvelope
        ? JSON.stringify(envelope(request, mapper.storedHeaders, request.rawBody.toString('utf8')))
        : undefined;
      // Only what is signed identifies a delivery: under a body-only signature, no header.
      const id = bodyOnly
        ? mapper.deliveryId({ body: request.body, headers: {} })
        : (mapper.deliveryId(payload) ?? request.verified.deliveryId);
      // Without a delivery id, the content identifies it (a replayed request is a duplicate): the body
      // alone when only the body is signed, else what is stored (with the headers the mapping reads).
      const content = bodyOnly ? request.rawBody : (storedBody ?? request.rawBody);
      const dedupKey = id !== undefined ? `id:${id}` : `sha256:${createHash('sha256').update(content).digest('base64url')}`;
      return storedBody === undefined ? { kind: 'store', dedupKey } : { kind: 'store', dedupKey, storedBody };
    },

    // A parked webhook keeps the headers its mapping reads, so a replay after a fix can read them.
    keptBody(_body: unknown, request?: RawWebhook) {
      return needsEnvelope && request
        ? JSON.stringify(envelope(request, mapper.storedHeaders, request.rawBody.toString('utf8')))
        : undefined;
    },

    keptRequest(stored: string) {
      let value: unknown;
      try {
        value = JSON.parse(stored);
      } catch {
        return undefined;
      }
      return isEnvelope(value) ? { rawBody: value.body, headers: value.headers } : undefined;
    },

    interpret(body: unknown) {
      let payload: Payload = { body, headers: {} };
      if (needsEnvelope) {
        if (!isEnvelope(body)) {
          throw new Error(
            `${settings.type} source "${settings.id}": the stored webhook lacks the headers its mapping reads (${mapper.storedHeaders.join(', ')}); ` +
              'the webhook route must store verdict.storedBody',
          );
        }
        payload = { body: JSON.parse(body.body) as unknown, headers: body.headers };
      }
      const state = mapper.decide(payload);
      return state === undefined ? [] : mapper.facts(payload, state);
    },
  };
}

/**
 * Headers never stored, whatever a mapping names: credentials and signatures (a stored webhook is
 * readable by operators; a replay never verifies again).
 */
const SECRET_HEADER = /authorization|cookie|signature|token|secret|api-key/i;

function envelope(request: RawWebhook, names: readonly string[], rawBody: string): GenericEnvelope {
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (SECRET_HEADER.test(name)) continue;
    const value = request.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined) headers[name] = text;
  }
  return { $envelope: ENVELOPE_MARK, headers, body: rawBody };
}
