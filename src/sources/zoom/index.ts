import { createHash } from 'node:crypto';
import type { RawWebhook, Source, WebhookRequest, WebhookVerdict } from '../types.js';
import { sourceModule } from '../module.js';
import { ZoomSourceConfig } from './config.js';
import { checkZoomPayload, zoomAccountId, zoomFacts } from './map.js';
import { ZoomEnvelope } from './payloads.js';
import { urlValidationAnswer, verifyZoomSignature } from './verify.js';

export function createZoomSource(config: ZoomSourceConfig): Source {
  const readOptions = { eventIdWhenMissing: config.eventIdWhenMissing };
  return {
    id: config.id,
    type: 'zoom',
    envelopeSchema: ZoomEnvelope,
    sessionTimeoutMs: config.sessionTimeoutHours * 3_600_000,
    bodyLimitBytes: config.bodyLimitBytes,

    // Every event is verified, the challenge included: an unsigned challenge answered would make
    // this endpoint a signing oracle.
    verify(request: RawWebhook) {
      verifyZoomSignature({
        secret: config.secretToken,
        headers: request.headers,
        rawBody: request.rawBody,
        nowMs: request.receivedAt,
        toleranceSeconds: config.timestampToleranceSeconds,
      });
      return {};
    },

    receive(request: WebhookRequest): WebhookVerdict {
      const envelope = request.body as ZoomEnvelope;
      const kind = checkZoomPayload(envelope, readOptions);
      if (kind === 'url_validation') {
        const { plainToken } = envelope.payload as { plainToken: string };
        return { kind: 'respond', statusCode: 200, body: urlValidationAnswer(config.secretToken, plainToken) };
      }
      if (kind === 'other')
        return { kind: 'respond', statusCode: 200, body: { received: true, ignored: true }, ignoredEventType: envelope.event };
      // Zoom's retries resend the same body (event_ts included), so the body
      // itself identifies a delivery; a replayed request is a duplicate too.
      return { kind: 'store', dedupKey: createHash('sha256').update(request.rawBody).digest('base64url') };
    },

    interpret(body: unknown) {
      return zoomFacts(body as ZoomEnvelope, readOptions);
    },

    accountOf(body: unknown) {
      return zoomAccountId(body as ZoomEnvelope);
    },
  };
}

/** `type: zoom`: the platform module (see ../module.ts). */
export const zoomModule = sourceModule({ type: 'zoom', configSchema: ZoomSourceConfig, create: (config) => createZoomSource(config) });
