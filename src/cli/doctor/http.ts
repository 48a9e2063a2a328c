/** A read-only HTTP call for doctor: its status, headers and JSON body, or why there was none. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export type HttpResult = { ok: true; answer: HttpAnswer } | { ok: false; reason: string };

export async function callJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs: number },
): Promise<HttpResult> {
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { ok: true, answer: { status: response.status, headers: response.headers, body } };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: cause ?? (error as Error).name ?? String(error) };
  }
}

/** A field of a JSON object answer, when the answer is an object. */
export function field(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}
