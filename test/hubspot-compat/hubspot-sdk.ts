import { Ajv } from 'ajv';
import { Client } from '@hubspot/api-client';
import { specSchema } from '../../dev/hubspot-simulator/spec-schema.js';
import { queryDb } from '../support/db.js';

/** Test helpers for the HubSpot-compatible intake, driven through HubSpot's official SDK. */

export const KIOSK_TOKEN = 'kiosk-intake-token-0123456789abcdef';
export const CRM_TOKEN = 'crm-job-intake-token-fedcba9876543210';

/** HubSpot's SDK, unchanged, with its base URL pointed at the relay. */
export function hubspotSdk(relayUrl: string, token = KIOSK_TOKEN): Client {
  return new Client({ accessToken: token, basePath: relayUrl });
}

/**
 * Per-call options adding request headers (e.g. `Prefer: wait=10`). SDK 13.x applies
 * `defaultHeaders` only to `apiRequest`, not to the generated API methods; call-time middleware
 * is how a caller adds a header there.
 */
export function withHeaders(headers: Record<string, string>) {
  return {
    middleware: [
      {
        pre: async <T extends { setHeaderParam(key: string, value: string): void }>(context: T) => {
          for (const [key, value] of Object.entries(headers)) context.setHeaderParam(key, value);
          return context;
        },
        post: async <T>(context: T) => context,
      },
    ],
  };
}

export interface Input {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}

export function input(email: string, overrides: Partial<Input> = {}): Input {
  return {
    email,
    interactionDateTime: Date.parse('2026-11-20T15:00:00Z'),
    properties: {},
    contactProperties: { firstname: 'Test' },
    ...overrides,
  };
}

/** What an SDK call threw: HubSpot's ApiException (code = HTTP status, body = the parsed error). */
export async function refusal(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    const { code, body } = error as { code?: unknown; body?: unknown };
    if (typeof code !== 'number') throw error;
    return { code, body: body as Record<string, unknown> };
  }
  throw new Error('expected the SDK call to fail');
}

/** GET of a relative link (e.g. `links.status`) through the SDK's own `apiRequest`, as a caller would. */
export async function getLink(client: Client, path: string, headers: Record<string, string> = {}) {
  const response = await client.apiRequest({ method: 'GET', path, headers });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Inbox rows the intake stored (one per accepted request). */
export function storedBatches(dbFile: string): number {
  return queryDb<{ n: number }>(dbFile, "SELECT COUNT(*) AS n FROM inbox WHERE source_id = 'hubspot-intake'")[0]?.n ?? 0;
}

// Answers are checked against HubSpot's published schemas (strict:false: the spec carries `example: null`).
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
export const isBatchResponse = ajv.compile(specSchema('BatchResponseSubscriberEmailResponse') as object);
export const isHubspotError = ajv.compile(specSchema('Error') as object);
