import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubscriberState } from '../../src/domain/facts.js';
import { HubspotClient } from '../../src/hubspot/client.js';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';
import { pauseEnd, sendBatch, type SenderOptions, type SendOutcome } from '../../src/delivery/sender.js';
import type { HubspotAnswer } from '../../src/hubspot/types.js';
import { createLogger } from '../../src/support/logger.js';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { EVENT_A, EVENT_B, emails, newRecord } from '../support/records.js';
import { logCapture } from '../support/relay.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'sim-token';
const WINDOW_MS = 200;
const CALL_LINE = 'hubspot attendance call';

let sim: HubspotSimulator;
let clients: HubspotClient[];
let capture: ReturnType<typeof logCapture>;

beforeEach(async () => {
  sim = await startHubspotSimulator({ externalEvents: 'any', rateLimit: { max: 100, intervalMs: 1000 } });
  clients = [];
  capture = logCapture();
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await sim.close();
});

function client(requestTimeoutMs = 2000): HubspotClient {
  const created = new HubspotClient({ baseUrl: sim.url, accessToken: TOKEN, requestTimeoutMs });
  clients.push(created);
  return created;
}

function sender(overrides: Partial<SenderOptions> = {}): SenderOptions {
  return {
    client: overrides.client ?? client(),
    limiter: new RateLimiter({ maxPerWindow: 100, windowMs: 1000 }),
    log: createLogger({ level: 'debug' }, capture.stream),
    maskEmails: true,
    windowMs: WINDOW_MS,
    triesPerRound: 4,
    baseDelayMs: 10,
    maxDelayMs: 50,
    ...overrides,
  };
}

function batch(people: string[], state: SubscriberState = 'register', targetKey = EVENT_A) {
  return { targetKey, state, inputs: people.map((email, i) => newRecord({ email, state, targetKey }, i).input) };
}

function callLines(): Array<Record<string, unknown>> {
  return capture.lines.filter((line) => line.msg === CALL_LINE);
}

function ok(answer: SendOutcome): Extract<HubspotAnswer, { kind: 'ok' }> {
  if (answer.kind !== 'ok') throw new Error(`expected an ok answer, got ${JSON.stringify(answer)}`);
  return answer;
}

const statuses = () => sim.requests().map((r) => r.status);

describe('a batch HubSpot accepts', () => {
  it('when a batch is sent then HubSpot stores every input and the answer carries each vid', async () => {
    const answer = ok(await sendBatch(sender(), batch(['ada@example.com', 'bob@example.com'])));
    expect(answer.body.status).toBe('COMPLETE');
    expect(answer.body.results).toEqual([
      { email: 'ada@example.com', vid: expect.any(Number) },
      { email: 'bob@example.com', vid: expect.any(Number) },
    ]);
    expect(sim.attendance().map((row) => [row.eventKey, row.state, row.email])).toEqual([
      [EVENT_A, 'register', 'ada@example.com'],
      [EVENT_A, 'register', 'bob@example.com'],
    ]);
    expect(sim.requests()[0]?.token).toBe(TOKEN);
  });

  it('when the target is an external event then the external-id endpoint is called with the account id', async () => {
    ok(await sendBatch(sender(), batch(['ada@example.com'], 'cancel', EVENT_B)));
    const [request] = sim.requests();
    expect(request).toMatchObject({
      eventKey: EVENT_B,
      state: 'cancel',
      path: '/marketing/v3/marketing-events/attendance/webinar-b/cancel/email-create',
    });
  });

  it('when a call is made then one info line gives event, state, inputs, HTTP status, batch status, errors and attempt', async () => {
    await sendBatch(sender(), batch(['ada@example.com', 'bob@example.com'], 'register'));
    const lines = callLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      event: EVENT_A,
      state: 'register',
      inputs: 2,
      httpStatus: 200,
      batchStatus: 'COMPLETE',
      numErrors: 0,
      errors: [],
      outcome: 'ok',
      attempt: 1,
      durationMs: expect.any(Number),
    });
  });
});

describe('retries', () => {
  it('when HubSpot answers 503 twice then the third try delivers, and each try is logged with its attempt and correlationId', async () => {
    sim.inject({ kind: 'status', status: 503, count: 2 });
    ok(await sendBatch(sender(), batch(['ada@example.com'])));
    expect(statuses()).toEqual([503, 503, 200]);
    expect(sim.attendance()).toHaveLength(1);

    const lines = callLines();
    expect(lines.map((l) => [l.attempt, l.httpStatus, l.outcome])).toEqual([
      [1, 503, 'transient'],
      [2, 503, 'transient'],
      [3, 200, 'ok'],
    ]);
    const firstAnswer = sim.requests()[0]?.response as { correlationId: string };
    expect(lines[0]?.correlationId).toBe(firstAnswer.correlationId);
    expect(lines[0]?.level).toBe(40);
  });

  it('when HubSpot keeps failing with 500 then the sender gives up after triesPerRound tries with the last answer', async () => {
    sim.inject({ kind: 'status', status: 500, probability: 1 });
    const answer = await sendBatch(sender({ triesPerRound: 3 }), batch(['ada@example.com']));
    expect(answer).toMatchObject({ kind: 'transient', status: 500, message: 'Internal Server Error' });
    expect(sim.requests()).toHaveLength(3);
    expect(callLines()).toHaveLength(3);
  });

  it('when the caller withdraws the batch before the first try (its lease is gone) then nothing is sent', async () => {
    const answer = await sendBatch(sender(), batch(['ada@example.com']), undefined, async () => false);
    expect(answer).toEqual({ kind: 'withdrawn' });
    expect(sim.requests()).toEqual([]);
  });

  it('when the claim is lost between a failed try and the next, then the next try is not sent', async () => {
    sim.inject({ kind: 'status', status: 503, count: 1 });
    let asked = 0;
    const answer = await sendBatch(sender(), batch(['ada@example.com']), undefined, async () => ++asked === 1);
    expect(answer).toEqual({ kind: 'withdrawn' });
    expect(asked).toBe(2);
    expect(statuses()).toEqual([503]);
  });

  it('when HubSpot answers 423 Locked then the batch is retried and delivered', async () => {
    sim.inject({ kind: 'status', status: 423, count: 1 });
    ok(await sendBatch(sender(), batch(['ada@example.com'])));
    expect(statuses()).toEqual([423, 200]);
    // HubSpot asks for at least 2 s after a 423.
    const [first, second] = sim.requests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1990);
  });

  it('when the connection is dropped without an answer then the batch is sent again and delivered', async () => {
    sim.inject({ kind: 'drop', count: 1 });
    ok(await sendBatch(sender(), batch(['ada@example.com'])));
    expect(statuses()).toEqual([0, 200]);
    expect(sim.attendance()).toHaveLength(1);
    const [dropped] = callLines();
    expect(dropped).toMatchObject({ outcome: 'transient', attempt: 1 });
    expect(dropped?.httpStatus).toBeUndefined();
  });

  it('when the answer is cut off after HubSpot stored the batch then it is sent again (at-least-once)', async () => {
    sim.inject({ kind: 'reset-mid-response', count: 1 });
    ok(await sendBatch(sender(), batch(['ada@example.com'])));
    expect(sim.requests()).toHaveLength(2);
    expect(sim.attendance().filter((row) => row.email === 'ada@example.com')).toHaveLength(2);
  });

  it('when HubSpot answers slower than the request timeout then the call is abandoned and retried', async () => {
    sim.inject({ kind: 'latency', ms: 1500, count: 1 });
    ok(await sendBatch(sender({ client: client(300) }), batch(['ada@example.com'])));
    expect(sim.requests()).toHaveLength(2);
    expect(callLines()[0]).toMatchObject({ outcome: 'transient', attempt: 1 });
    expect(String(callLines()[0]?.message)).toMatch(/timeout|abort/i);
  });

  it('when the jitter draws its maximum then each wait is at least double the previous (exponential backoff)', async () => {
    sim.inject({ kind: 'status', status: 502, count: 3 });
    ok(await sendBatch(sender({ baseDelayMs: 60, maxDelayMs: 10_000, random: () => 1 }), batch(['ada@example.com'])));
    const at = sim.requests().map((r) => r.at);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(58);
    expect(gaps[1]).toBeGreaterThanOrEqual(118);
    expect(gaps[2]).toBeGreaterThanOrEqual(238);
  });

  it('when the jitter draws zero then even a huge base delay does not hold the retry (full jitter)', { timeout: 5000 }, async () => {
    sim.inject({ kind: 'status', status: 503, count: 2 });
    ok(await sendBatch(sender({ baseDelayMs: 60_000, maxDelayMs: 600_000, random: () => 0 }), batch(['ada@example.com'])));
    expect(statuses()).toEqual([503, 503, 200]);
  });
});

describe('answers that are not retried', () => {
  it('when the token is unknown then the 401 comes back at once with its category, and the token is never logged', async () => {
    sim.setTokens({});
    const answer = await sendBatch(sender(), batch(['ada@example.com']));
    expect(answer).toMatchObject({ kind: 'auth', status: 401, category: 'INVALID_AUTHENTICATION' });
    expect(sim.requests()).toHaveLength(1);
    expect(callLines()[0]).toMatchObject({ httpStatus: 401, outcome: 'auth', level: 40 });
    expect(capture.raw.join('\n')).not.toContain(TOKEN);
  });

  it('when the token lacks the write scope then the 403 names the missing scope', async () => {
    sim.setTokens({ [TOKEN]: { scopes: ['crm.objects.contacts.read'] } });
    const answer = await sendBatch(sender(), batch(['ada@example.com']));
    expect(answer).toMatchObject({ kind: 'auth', status: 403, category: 'MISSING_SCOPES', scopes: [WRITE_SCOPE] });
    expect(sim.requests()).toHaveLength(1);
  });

  it('when HubSpot rejects the whole batch with 400 then the sender returns it with HubSpot message and does not retry', async () => {
    sim.inject({ kind: 'reject-batch', count: 1 });
    const answer = await sendBatch(sender(), batch(['ada@example.com', 'bob@example.com']));
    expect(answer).toMatchObject({ kind: 'rejected', status: 400, message: 'Invalid input JSON: the batch was rejected' });
    expect(sim.requests()).toHaveLength(1);
    expect(sim.attendance()).toHaveLength(0);
  });

  it('when an unknown event gives 404 then it is a failure, not retried', async () => {
    sim.inject({ kind: 'status', status: 404, count: 1 });
    const answer = await sendBatch(sender(), batch(['ada@example.com']));
    expect(answer).toMatchObject({ kind: 'failed', status: 404 });
    expect(sim.requests()).toHaveLength(1);
  });
});

describe('errors inside a 200 answer and email masking', () => {
  it('when one input fails inside a 200 then the log line counts it, lists it and masks the email', async () => {
    sim.inject({
      kind: 'input-error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'ContactError.NOT_FOUND',
      message: 'Could not record attendance for `carol.secret@example.com`',
      match: { email: 'carol.secret@example.com' },
    });
    const answer = ok(await sendBatch(sender(), batch(['ada@example.com', 'carol.secret@example.com'])));
    expect(answer.body.numErrors).toBe(1);

    const [line] = callLines();
    expect(line).toMatchObject({
      level: 40,
      httpStatus: 200,
      batchStatus: 'COMPLETE',
      numErrors: 1,
      errors: [
        {
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'ContactError.NOT_FOUND',
          message: 'Could not record attendance for `c***@example.com`',
        },
      ],
    });
    expect(capture.raw.join('\n')).not.toContain('carol.secret@example.com');
  });

  it('when masking is turned off then HubSpot messages keep the email', async () => {
    sim.inject({ kind: 'input-error', category: 'OBJECT_NOT_FOUND', match: { email: 'carol@example.com' } });
    await sendBatch(sender({ maskEmails: false }), batch(['carol@example.com']));
    expect(callLines()[0]?.errors).toEqual([expect.objectContaining({ message: 'Could not record attendance for `carol@example.com`' })]);
  });
});

describe('rate limits', () => {
  it('when a burst of batches is sent then the client never exceeds its own window', async () => {
    const options = sender({ limiter: new RateLimiter({ maxPerWindow: 5, windowMs: 1000, marginMs: 100 }) });
    const answers = await Promise.all(emails(12).map((email) => sendBatch(options, batch([email]))));
    expect(answers.every((a) => a.kind === 'ok')).toBe(true);
    // The simulator allows 100 per second here: only the client-side limiter keeps this at 5.
    expect(sim.stats().peakInWindow).toBeLessThanOrEqual(5);
    expect(sim.stats()).toMatchObject({ requests: 12, rateLimited: 0 });
  });

  it("when HubSpot's headers report a lower limit than configured then the client adopts it and is never refused", async () => {
    sim.setRateLimit({ max: 5, intervalMs: 1000 });
    const limiter = new RateLimiter({ maxPerWindow: 50, windowMs: 1000, marginMs: 100 });
    const options = sender({ limiter });
    for (const email of emails(12)) ok(await sendBatch(options, batch([email])));
    expect(limiter.state().limit).toBe(5);
    expect(sim.stats()).toMatchObject({ requests: 12, rateLimited: 0 });
  });

  it('when a 429 TEN_SECONDLY_ROLLING arrives without Retry-After then all sends pause for the window and the try is not spent', async () => {
    sim.inject({ kind: 'rate-limit', policy: 'TEN_SECONDLY_ROLLING', count: 1, match: { state: 'register' } });
    sim.inject({ kind: 'status', status: 503, count: 1, match: { state: 'register' } });
    // Two tries per round: if the 429 spent one, the 503 would end the round.
    const options = sender({ triesPerRound: 2 });
    const first = sendBatch(options, batch(['ada@example.com']));
    await waitFor(() => sim.requests().length === 1, 'the first request');
    const other = sendBatch(options, batch(['bob@example.com'], 'cancel'));

    ok(await first);
    ok(await other);
    const register = sim.requests().filter((r) => r.state === 'register');
    expect(register.map((r) => r.status)).toEqual([429, 503, 200]);
    const limited = register[0]!;
    // Neither the retry nor the other batch went out before the window passed.
    for (const later of sim.requests().slice(1)) expect(later.at - limited.at).toBeGreaterThanOrEqual(WINDOW_MS - 2);
    expect(callLines()[0]).toMatchObject({ httpStatus: 429, outcome: 'rate-limited' });
  });

  it('when a 429 carries Retry-After then sends pause for that long rather than the window', async () => {
    sim.inject({ kind: 'rate-limit', policy: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 1, count: 1 });
    ok(await sendBatch(sender({ triesPerRound: 2 }), batch(['ada@example.com'])));
    const [limited, retried] = sim.requests();
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(998);
  });

  it('when the DAILY limit is hit then the answer comes back at once and the limiter pauses until the reset', async () => {
    sim.inject({ kind: 'rate-limit', policy: 'DAILY', count: 1 });
    const limiter = new RateLimiter({ maxPerWindow: 100, windowMs: 1000 });
    const before = Date.now();
    const answer = await sendBatch(sender({ limiter }), batch(['ada@example.com']));
    const after = Date.now();
    expect(answer).toMatchObject({ kind: 'rate-limited', status: 429, policy: 'DAILY' });
    expect(sim.requests()).toHaveLength(1);

    const state = limiter.state();
    expect(state.pauseReason).toBe('HubSpot 429 DAILY');
    const earliest = pauseEnd({ kind: 'rate-limited', status: 429, policy: 'DAILY', message: '' }, WINDOW_MS, before);
    const latest = pauseEnd({ kind: 'rate-limited', status: 429, policy: 'DAILY', message: '' }, WINDOW_MS, after);
    expect(state.pausedUntil).toBeGreaterThanOrEqual(earliest);
    expect(state.pausedUntil).toBeLessThanOrEqual(latest);
  });
});

describe('pauseEnd', () => {
  const limited = (policy: string, retryAfterMs?: number) =>
    ({ kind: 'rate-limited', status: 429, policy, message: '', retryAfterMs }) as const;
  const now = Date.parse('2026-05-01T12:00:00Z');

  it('when Retry-After is given then it decides the pause', () => {
    expect(pauseEnd(limited('TEN_SECONDLY_ROLLING', 3000), 10_000, now)).toBe(now + 3000);
    expect(pauseEnd(limited('DAILY', 3000), 10_000, now)).toBe(now + 3000);
  });

  it('when the rolling limit is hit without Retry-After then the pause is one window', () => {
    expect(pauseEnd(limited('TEN_SECONDLY_ROLLING'), 10_000, now)).toBe(now + 10_000);
  });

  it('when the daily limit is hit then the pause lasts to UTC midnight, re-probed at least hourly', () => {
    expect(pauseEnd(limited('DAILY'), 10_000, now)).toBe(now + 3_600_000);
    const lateEvening = Date.parse('2026-05-01T23:40:00Z');
    expect(pauseEnd(limited('DAILY'), 10_000, lateEvening)).toBe(Date.parse('2026-05-02T00:00:00Z'));
  });
});
