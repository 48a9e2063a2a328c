/**
 * The relay's catalogue of stable error codes. A client (or a person reading a
 * log) can rely on `code` never changing meaning; `message` is for humans.
 */
export const ErrorCodes = {
  BODY_NOT_JSON: { status: 400, message: 'The request body is not valid JSON' },
  BODY_INVALID: { status: 400, message: 'The request body does not match the expected schema' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json' },
  SIGNATURE_MISSING: { status: 401, message: 'The request carries no signature' },
  SIGNATURE_INVALID: { status: 401, message: 'The signature does not match the body' },
  TIMESTAMP_OUT_OF_RANGE: { status: 401, message: 'The request timestamp is outside the accepted window' },
  SOURCE_NOT_FOUND: { status: 404, message: 'No source with this id is configured' },
  ADMIN_UNAUTHORIZED: { status: 401, message: 'Send the admin token as Authorization: Bearer <token>' },
  CONFIG_INVALID: { status: 400, message: 'The configuration file is not valid; the running configuration is unchanged' },
  RELOAD_UNAVAILABLE: { status: 409, message: 'This relay runs without a configuration file to reload' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  STORE_UNAVAILABLE: { status: 503, message: 'The relay cannot store the webhook right now; retry later' },
  SHUTTING_DOWN: { status: 503, message: 'The relay is shutting down; retry later' },
  OVERLOADED: { status: 503, message: 'The relay is over capacity; retry later' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong inside the relay' },
  ZOOM_API_NOT_CONFIGURED: { status: 409, message: 'No Zoom source of this relay has an api (a Server-to-Server OAuth app) configured' },
  ZOOM_API_FAILED: { status: 502, message: "Zoom's API refused or failed the reconciliation" },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The one error type routes and use cases throw; the error handler turns it into JSON. */
export class RelayError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message ?? ErrorCodes[code].message, { cause: options?.cause });
    this.name = 'RelayError';
    this.code = code;
    this.statusCode = ErrorCodes[code].status;
    this.headers = options?.headers ?? {};
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { code, message: message ?? ErrorCodes[code].message };
}
