import { describe, expect, it } from 'vitest';
import { OAuthTokens, REFRESH_REFUSED, type PostForm, type TokenEndpointAnswer } from '../../src/hubspot/oauth-tokens.js';

const CREDENTIALS = {
  clientId: 'client-1',
  clientSecret: 'secret-1',
  refreshToken: 'refresh-1',
  tokenUrl: 'https://tokens.test/oauth/v1/token',
};

/** A token endpoint that answers from a queue and records each form; a fake clock the test moves. */
function fixture(answers: Array<TokenEndpointAnswer | Error>) {
  let now = 1_000_000;
  const forms: Array<Record<string, string>> = [];
  const postForm: PostForm = async (url, form) => {
    expect(url).toBe(CREDENTIALS.tokenUrl);
    forms.push(Object.fromEntries(form));
    const next = answers.shift();
    if (next === undefined) throw new Error('no answer queued');
    if (next instanceof Error) throw next;
    return next;
  };
  const tokens = new OAuthTokens({ credentials: CREDENTIALS, postForm, now: () => now });
  return { tokens, forms, advance: (ms: number) => (now += ms) };
}

// HubSpot's v1 answer: access_token, refresh_token, expires_in (seconds).
// https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
const granted = (token: string, expiresIn = 1800): TokenEndpointAnswer => ({
  status: 200,
  body: { token_type: 'bearer', access_token: token, refresh_token: 'refresh-1', expires_in: expiresIn },
});

describe('OAuth access tokens', () => {
  it('when the first call needs a token then it posts the refresh_token grant with the client credentials', async () => {
    const { tokens, forms } = fixture([granted('access-1')]);
    expect(await tokens.token()).toEqual({ ok: true, token: 'access-1' });
    expect(forms).toEqual([{ grant_type: 'refresh_token', client_id: 'client-1', client_secret: 'secret-1', refresh_token: 'refresh-1' }]);
  });

  it('when the token is still fresh then it is reused; near its expiry it is refreshed before it runs out', async () => {
    const { tokens, forms, advance } = fixture([granted('access-1', 1800), granted('access-2', 1800)]);
    await tokens.token();
    advance(1800_000 - 5 * 60_000 - 1); // just before the refresh margin (5 minutes of a 30-minute token)
    expect(await tokens.token()).toEqual({ ok: true, token: 'access-1' });
    expect(forms).toHaveLength(1);
    advance(1); // inside the margin, still before expiry
    expect(await tokens.token()).toEqual({ ok: true, token: 'access-2' });
    expect(forms).toHaveLength(2);
  });

  it('when a token lives only seconds then it is refreshed at half its life', async () => {
    const { tokens, forms, advance } = fixture([granted('short-1', 2), granted('short-2', 2)]);
    await tokens.token();
    advance(999);
    expect((await tokens.token()).ok && forms.length).toBe(1);
    advance(1);
    expect(await tokens.token()).toEqual({ ok: true, token: 'short-2' });
  });

  it('when calls ask at the same time then one refresh serves them all', async () => {
    const { tokens, forms } = fixture([granted('access-1')]);
    const answers = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);
    expect(answers.every((a) => a.ok && a.token === 'access-1')).toBe(true);
    expect(forms).toHaveLength(1);
  });

  it('when HubSpot refused the access token (401) then it is dropped and the next call refreshes', async () => {
    const { tokens, forms } = fixture([granted('access-1'), granted('access-2')]);
    await tokens.token();
    expect(tokens.refused('access-1')).toBe(true);
    expect(await tokens.token()).toEqual({ ok: true, token: 'access-2' });
    expect(forms).toHaveLength(2);
  });

  it('when the refresh token is refused (invalid_grant) then the answer is an auth refusal that pauses delivery, naming no secret', async () => {
    const { tokens } = fixture([{ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token revoked' } }]);
    const result = await tokens.token();
    expect(result).toEqual({
      ok: false,
      answer: {
        kind: 'auth',
        status: 400,
        category: REFRESH_REFUSED,
        message: 'OAuth token refresh refused (HTTP 400 invalid_grant): refresh token revoked',
        scopes: [],
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/secret-1|refresh-1/);
  });

  it("when HubSpot's own error shape refuses (BAD_REFRESH_TOKEN) then that is a refusal too", async () => {
    const { tokens } = fixture([{ status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' } }]);
    const result = await tokens.token();
    expect(!result.ok && result.answer.kind).toBe('auth');
  });

  it('when the token endpoint is down, busy or unreachable then the answer is transient (retried, no pause), and the next call tries again', async () => {
    const { tokens } = fixture([
      { status: 503, body: {} },
      { status: 429, body: {} },
      new Error('connect ECONNREFUSED'),
      { status: 200, body: { unexpected: true } },
      granted('access-1'),
    ]);
    for (let i = 0; i < 4; i++) {
      const result = await tokens.token();
      expect(!result.ok && result.answer.kind).toBe('transient');
    }
    expect(await tokens.token()).toEqual({ ok: true, token: 'access-1' });
  });

  it('when the endpoint hands out a new refresh token then the next refresh uses it', async () => {
    const { tokens, forms } = fixture([
      { status: 200, body: { accessToken: 'access-1', expiresIn: 60, refreshToken: 'refresh-2' } },
      granted('access-2'),
    ]);
    await tokens.token();
    tokens.refused('access-1');
    await tokens.token();
    expect(forms[1]?.refresh_token).toBe('refresh-2');
  });
});
