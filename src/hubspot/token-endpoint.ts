import { request, type Dispatcher } from 'undici';
import type { PostForm } from './oauth-tokens.js';

/** Posts `application/x-www-form-urlencoded` to an OAuth token endpoint; a body that is not JSON reads as its text. */
export function formPoster(options: { timeoutMs: number; dispatcher?: Dispatcher }): PostForm {
  return async (url, form) => {
    const response = await request(url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.body.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text.slice(0, 200) };
    }
    return { status: response.statusCode, body };
  };
}
