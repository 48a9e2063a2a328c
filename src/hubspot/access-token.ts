import type { HubspotAnswer } from './types.js';

/** The bearer token for the next call, or why there is none (an answer the relay already knows how to handle). */
export type TokenResult = { ok: true; token: string } | { ok: false; answer: HubspotAnswer };

/** Where the HubSpot client gets its bearer token: a fixed one, or one kept fresh by OAuth. */
export interface AccessTokenSource {
  /** The token to send now; an OAuth source refreshes it first when it is about to expire. */
  token(): Promise<TokenResult>;
  /**
   * HubSpot answered 401 to `token`: true when a fresh token may be worth one more try
   * (OAuth: the token is dropped, and the next `token()` refreshes), false for a fixed token.
   */
  refused(token: string): boolean;
}

/** A Service Key or a legacy private-app token: the same token until a reload replaces it. */
export class StaticToken implements AccessTokenSource {
  constructor(private readonly value: string) {}

  async token(): Promise<TokenResult> {
    return { ok: true, token: this.value };
  }

  refused(): boolean {
    return false;
  }
}
