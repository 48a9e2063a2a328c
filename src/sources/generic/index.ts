import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { Source, WebhookRequest, WebhookVerdict } from '../types.js';
import type { GenericSourceConfig, MapConfig, VerifyConfig } from './config.js';
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
  return v !== null && typeof v === 'object' && v.$envelope === ENVELOPE_MARK && typeof v.body === 'string' && typeof v.headers === 'object' && v.headers !== null;
}

export interface GenericSourceSettings {
  id: string;
  /** The configured type (`generic`, `tito`, ...). */
  type: string;
  verify: VerifySettings;
  map: MapConfig;
  defaultAttendMinutes: number;
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
        timestampHeader: verify.signedPayload === 'timestamp.body' ? need(verify.timestampHeader, 'timestampHeader').toLowerCase() : undefined,
        toleranceSeconds: verify.toleranceSeconds,
      };
    case 'bearer':
      return { scheme: 'bearer', token: need(verify.token, 'token') };
  }
}

export function createGenericSourceFromConfig(config: GenericSourceConfig): Source {
  return createGenericSource({ ...config, verify: verifySettings(config.verify) });
}

const SESSION_TIMEOUT_MS = 12 * 3_600_000; // unused: generic facts are whole attendances, never open sessions

export function createGenericSource(settings: GenericSourceSettings): Source {
  const mapper = new Mapper(`${settings.type} source "${settings.id}"`, settings.map);
  const needsEnvelope = mapper.storedHeaders.length > 0;

  return {
    id: settings.id,
    type: settings.type,
    envelopeSchema: Type.Object({}, { additionalProperties: true, description: `A ${settings.type} webhook (JSON object)` }),
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    defaultAttendMs: settings.defaultAttendMinutes * 60_000,

    receive(request: WebhookRequest): WebhookVerdict {
      const verified = verifyWebhook(settings.verify, { headers: request.headers, rawBody: request.rawBody, nowMs: request.receivedAt });
      const payload: Payload = { body: request.body, headers: request.headers };
      const state = mapper.decide(payload);
      if (state === undefined) return { kind: 'respond', statusCode: 200, body: { received: true, ignored: true } };
      // Reading the facts now refuses (400, naming the path) what could never be turned into attendance.
      mapper.facts(payload, state);
      const storedBody = needsEnvelope ? JSON.stringify(envelope(request, mapper.storedHeaders, request.rawBody.toString('utf8'))) : undefined;
      const id = mapper.deliveryId(payload) ?? verified.deliveryId;
      // Without a delivery id, the stored content identifies the delivery (a replayed request is a duplicate).
      const dedupKey = id !== undefined ? `id:${id}` : `sha256:${createHash('sha256').update(storedBody ?? request.rawBody).digest('base64url')}`;
      return storedBody === undefined ? { kind: 'store', dedupKey } : { kind: 'store', dedupKey, storedBody };
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

function envelope(request: WebhookRequest, names: readonly string[], rawBody: string): GenericEnvelope {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined) headers[name] = text;
  }
  return { $envelope: ENVELOPE_MARK, headers, body: rawBody };
}
