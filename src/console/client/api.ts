/** The admin API as the console calls it: same origin, the token from sessionStorage as a bearer token. */

const TOKEN_KEY = 'relay-admin-token';

/** sessionStorage only: gone when the tab closes, never in a URL, a cookie or a log. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  keep: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  forget: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** The relay answered 401: the token is wrong (or was changed on the relay). */
export class TokenRefused extends Error {}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call(path: string, method: 'GET' | 'POST', body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.status === 401) throw new TokenRefused('Admin token refused');
  return res;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new ApiError(res.status, body.message ?? `HTTP ${res.status}`);
  return body as T;
}

export async function get<T>(path: string, token = session.token()): Promise<T> {
  return json<T>(await call(path, 'GET', undefined, token));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return json<T>(await call(path, 'POST', body, session.token()));
}

/** A route that may not exist on this relay (a feature not there yet): undefined on 404. */
export async function getIfPresent<T>(path: string): Promise<T | undefined> {
  const res = await call(path, 'GET', undefined, session.token());
  if (res.status === 404) return undefined;
  return json<T>(res);
}

/** An admin record as GET /admin/records lists it (openapi.yaml: RecordView). */
export interface RecordView {
  id: number;
  source: string;
  sourceEventId: string;
  hubspotEvent: string | null;
  state: string;
  email: string;
  status: string;
  attempts: number;
  lastError?: string;
  updatedAt: string;
}

export interface RecordsPage {
  records: RecordView[];
  nextCursor?: number;
}
