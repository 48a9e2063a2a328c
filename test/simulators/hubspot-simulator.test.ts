import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Ajv } from 'ajv';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorOptionsFromCli } from '../../dev/hubspot-simulator/cli-options.js';
import { startHubspotSimulator, type HubspotSimulator, type HubspotSimulatorOptions } from '../../dev/hubspot-simulator/index.js';
import { specSchema } from '../../dev/hubspot-simulator/spec-schema.js';

const OBJECT_PATH = '/marketing/v3/marketing-events/evt-1/attendance';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let running: HubspotSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((simulator) => simulator.close()));
  running = [];
});

async function start(options?: HubspotSimulatorOptions): Promise<HubspotSimulator> {
  const simulator = await startHubspotSimulator(options);
  running.push(simulator);
  return simulator;
}

interface Input {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}

function input(email: string, properties: Record<string, string> = {}): Input {
  return { email, interactionDateTime: 1_700_000_000_000, properties, contactProperties: { firstname: 'Ada' } };
}

function attended(email: string, joinedAt = '2024-05-01T10:00:00Z', leftAt = '2024-05-01T11:00:00Z'): Input {
  return input(email, { joinedAt, leftAt });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

async function post(
  simulator: HubspotSimulator,
  path: string,
  body: unknown,
  authorization: string | null = 'Bearer sim-token', // null: send no Authorization header
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const answer = await request(`${simulator.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: answer.statusCode, headers: answer.headers, json: (await answer.body.json()) as Record<string, unknown> };
}

function register(simulator: HubspotSimulator, inputs: Input[], authorization?: string | null): Promise<Answer> {
  return post(simulator, `${OBJECT_PATH}/register/email-create`, { inputs }, authorization);
}

function attend(simulator: HubspotSimulator, inputs: Input[]): Promise<Answer> {
  return post(simulator, `${OBJECT_PATH}/attend/email-create`, { inputs });
}

describe('attendance endpoints', () => {
  it('when a valid register batch is sent then it answers 200 COMPLETE with a stable vid per email', async () => {
    const simulator = await start();
    const first = await register(simulator, [input('Ada@Example.com'), input('bob@example.com')]);
    const second = await register(simulator, [input('ada@example.COM')]);

    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'COMPLETE' });
    expect(first.json).not.toHaveProperty('errors');
    const validResponse = new Ajv({ strict: false, validateFormats: false }).compile(
      specSchema('BatchResponseSubscriberEmailResponse') as object,
    );
    expect(validResponse(first.json)).toBe(true);
    const [ada, bob] = first.json.results as { email: string; vid: number }[];
    expect(ada?.email).toBe('ada@example.com');
    expect(Number.isInteger(ada?.vid)).toBe(true);
    expect(bob?.vid).not.toBe(ada?.vid);
    expect(second.json.results).toEqual([{ email: 'ada@example.com', vid: ada?.vid }]);

    const rows = simulator.attendance();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ eventKey: 'object:evt-1', state: 'register', email: 'ada@example.com', vid: ada?.vid });
    expect(rows[0]?.contactProperties).toEqual({ firstname: 'Ada' });
  });

  it('when inputs hold an invalid email or joinedAt >= leftAt then the 200 lists them in errors with numErrors', async () => {
    const simulator = await start();
    const answer = await attend(simulator, [
      attended('good@example.com'),
      attended('not-an-email'),
      attended('late@example.com', '2024-05-01T11:00:00Z', '2024-05-01T10:00:00Z'),
    ]);

    expect(answer.status).toBe(200);
    expect(answer.json.numErrors).toBe(2);
    expect(answer.json.results).toEqual([{ email: 'good@example.com', vid: expect.any(Number) }]);
    expect(answer.json.errors).toEqual([
      {
        status: 'error',
        category: 'VALIDATION_ERROR',
        subCategory: 'AttendanceValidationError.INVALID_EMAIL',
        message: 'Invalid email `not-an-email`',
        context: { emails: ['not-an-email'] },
        errors: [],
        links: {},
      },
      expect.objectContaining({
        category: 'VALIDATION_ERROR',
        subCategory: 'AttendanceValidationError.JOINED_AT_IS_LATER_THAN_LEFT_AT_FOR_EMAIL',
        message: 'joinedAt param must be earlier than leftAt for `late@example.com`',
        context: { emails: ['late@example.com'] },
      }),
    ]);
    expect(simulator.attendance().map((row) => row.email)).toEqual(['good@example.com']);
  });

  it('when attend inputs lack joinedAt/leftAt then it answers 200 with empty results and stores nothing', async () => {
    const simulator = await start();
    const answer = await attend(simulator, [input('a@example.com'), input('b@example.com', { joinedAt: '2024-05-01T10:00:00Z' })]);

    expect(answer.status).toBe(200);
    expect(answer.json.results).toEqual([]);
    expect(answer.json).not.toHaveProperty('errors');
    expect(simulator.attendance()).toEqual([]);
  });

  it.each([
    [
      'a non-string property value',
      { inputs: [input('a@example.com'), { ...input('b@example.com'), properties: { joinedAt: 5 } }] },
      'inputs[1].properties.joinedAt',
    ],
    ['an input without email', { inputs: [{ interactionDateTime: 1, properties: {}, contactProperties: {} }] }, 'inputs[0].email'],
    [
      'an input without contactProperties',
      { inputs: [{ email: 'a@example.com', interactionDateTime: 1, properties: {} }] },
      'inputs[0].contactProperties',
    ],
    ['a body without inputs', { records: [] }, 'inputs'],
    ['a body that is not JSON', '{"inputs": [', 'Invalid input JSON'],
  ])('when the body has %s then it answers 400 VALIDATION_ERROR naming the field and stores nothing', async (_case, body, field) => {
    const simulator = await start();
    const answer = await post(simulator, `${OBJECT_PATH}/register/email-create`, body);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(answer.json.message).toMatch(/^Invalid input JSON/);
    expect(answer.json.message).toContain(field);
    expect(answer.json.correlationId).toMatch(UUID);
    expect(simulator.attendance()).toEqual([]);
    expect(simulator.requests()[0]).toMatchObject({ status: 400 });
  });

  it.each(['ATTEND', 'registered', 'join'])('when subscriberState is %s then it answers 400 VALIDATION_ERROR', async (state) => {
    const simulator = await start();
    const answer = await post(simulator, `${OBJECT_PATH}/${state}/email-create`, { inputs: [input('a@example.com')] });

    expect(answer.status).toBe(400);
    expect(answer.json.category).toBe('VALIDATION_ERROR');
    expect(simulator.attendance()).toEqual([]);
  });

  it('when the external-id endpoint is used then the event key is external:<account>:<event>', async () => {
    const simulator = await start();
    simulator.preCreateEvent('acct-7', 'webinar-9');
    const answer = await post(
      simulator,
      '/marketing/v3/marketing-events/attendance/webinar-9/cancel/email-create?externalAccountId=acct-7',
      { inputs: [input('a@example.com')] },
    );

    expect(answer.status).toBe(200);
    expect(simulator.requests()[0]).toMatchObject({
      method: 'POST',
      path: '/marketing/v3/marketing-events/attendance/webinar-9/cancel/email-create',
      eventKey: 'external:acct-7:webinar-9',
      state: 'cancel',
      token: 'sim-token',
      status: 200,
      inputs: 1,
    });
    expect(simulator.attendance()[0]).toMatchObject({ eventKey: 'external:acct-7:webinar-9', state: 'cancel' });
  });

  it('when one request holds the same email twice then duplicateEmailRequests counts it', async () => {
    const simulator = await start();
    await register(simulator, [input('a@example.com'), input('A@EXAMPLE.com')]);
    await register(simulator, [input('a@example.com')]);

    expect(simulator.stats().duplicateEmailRequests).toBe(1);
  });
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['an unknown token', 'Bearer who-knows'],
  ])('when the request has %s then it answers 401 INVALID_AUTHENTICATION', async (_case, authorization) => {
    const simulator = await start();
    const answer = await register(simulator, [input('a@example.com')], authorization);

    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      status: 'error',
      message:
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      correlationId: expect.stringMatching(UUID),
      category: 'INVALID_AUTHENTICATION',
    });
    expect(simulator.attendance()).toEqual([]);
  });

  it('when the token lacks the write scope then it answers 403 MISSING_SCOPES', async () => {
    const simulator = await start({ tokens: { 'read-only': { scopes: ['crm.objects.marketing_events.read'] } } });
    const answer = await register(simulator, [input('a@example.com')], 'Bearer read-only');

    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      status: 'error',
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: expect.stringMatching(UUID),
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredScopes: ['crm.objects.marketing_events.write'] },
        },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    });
  });

  it('when a token is revoked at run time then later requests get 401', async () => {
    const simulator = await start();
    expect((await register(simulator, [input('a@example.com')])).status).toBe(200);
    simulator.setTokens({});
    expect((await register(simulator, [input('a@example.com')])).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('when requests stay within the window then every answer carries the X-HubSpot-RateLimit headers', async () => {
    const simulator = await start({ rateLimit: { max: 5, intervalMs: 1000 }, dailyLimit: 1000 });
    const answer = await register(simulator, [input('a@example.com')]);

    expect(answer.headers).toMatchObject({
      'x-hubspot-ratelimit-interval-milliseconds': '1000',
      'x-hubspot-ratelimit-max': '5',
      'x-hubspot-ratelimit-remaining': '4',
      'x-hubspot-ratelimit-daily': '1000',
      'x-hubspot-ratelimit-daily-remaining': '999',
    });
  });

  it('when a burst exceeds the window then the surplus gets 429 TEN_SECONDLY_ROLLING and the peak never exceeds max', async () => {
    const simulator = await start({ rateLimit: { max: 5, intervalMs: 1000 } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => register(simulator, [input(`u${i}@example.com`)])));

    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    expect(limited).toHaveLength(7);
    expect(limited[0]?.json).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.stringMatching(UUID),
      policyName: 'TEN_SECONDLY_ROLLING',
      category: 'RATE_LIMITS',
    });
    expect(limited[0]?.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    expect(limited[0]?.headers['retry-after']).toBeUndefined();
    expect(simulator.stats()).toMatchObject({ requests: 12, accepted: 5, rateLimited: 7, peakInWindow: 5 });
    expect(simulator.attendance()).toHaveLength(5);
  });

  it('when the window has rolled past then requests are admitted again because 429s did not count', async () => {
    const simulator = await start({ rateLimit: { max: 2, intervalMs: 600 } });
    for (let i = 0; i < 4; i++) await register(simulator, [input('a@example.com')]);
    await new Promise((done) => setTimeout(done, 650));

    expect((await register(simulator, [input('a@example.com')])).status).toBe(200);
    expect(simulator.stats()).toMatchObject({ accepted: 3, rateLimited: 2, peakInWindow: 2 });
  });

  it('when the daily limit is used up then it answers 429 DAILY', async () => {
    const simulator = await start({ dailyLimit: 2 });
    await register(simulator, [input('a@example.com')]);
    await register(simulator, [input('a@example.com')]);
    const answer = await register(simulator, [input('a@example.com')]);

    expect(answer.status).toBe(429);
    expect(answer.json).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.', category: 'RATE_LIMITS' });
    expect(answer.headers['x-hubspot-ratelimit-daily-remaining']).toBe('0');
  });

  it('when setRateLimit lowers the limit then the new limit applies at once', async () => {
    const simulator = await start();
    simulator.setRateLimit({ max: 1, intervalMs: 60_000 });
    await register(simulator, [input('a@example.com')]);
    const answer = await register(simulator, [input('a@example.com')]);

    expect(answer.status).toBe(429);
    expect(answer.headers['x-hubspot-ratelimit-max']).toBe('1');
  });
});

async function failsOnTheWire(simulator: HubspotSimulator, inputs: Input[]): Promise<unknown> {
  try {
    await register(simulator, inputs);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('faults', () => {
  it('when a status fault with count 2 is queued then two requests get it with Retry-After and the third succeeds', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'status', status: 503, count: 2, retryAfterSeconds: 3 });
    const first = await register(simulator, [input('a@example.com')]);
    const second = await register(simulator, [input('a@example.com')]);
    const third = await register(simulator, [input('a@example.com')]);

    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.json).toMatchObject({ status: 'error', correlationId: expect.stringMatching(UUID), category: expect.any(String) });
    expect(simulator.attendance()).toHaveLength(1);
    expect(simulator.requests().map((recorded) => recorded.fault)).toEqual(['status', 'status', undefined]);
  });

  it('when a status fault has a custom body then that body is answered', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'status', status: 423, body: { status: 'error', message: 'locked' } });
    const answer = await register(simulator, [input('a@example.com')]);

    expect(answer.status).toBe(423);
    expect(answer.json).toEqual({ status: 'error', message: 'locked' });
  });

  it('when a rate-limit fault is queued then it answers 429 with Retry-After only if given, and the window is untouched', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'rate-limit', policy: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 10 });
    simulator.inject({ kind: 'rate-limit', policy: 'DAILY' });
    const first = await register(simulator, [input('a@example.com')]);
    const second = await register(simulator, [input('a@example.com')]);

    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('10');
    expect(first.json.policyName).toBe('TEN_SECONDLY_ROLLING');
    expect(second.json).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.' });
    expect(second.headers['retry-after']).toBeUndefined();
    expect(simulator.stats()).toMatchObject({ accepted: 0, rateLimited: 2, peakInWindow: 0 });
  });

  it('when a latency fault is queued then the answer is delayed but otherwise normal', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'latency', ms: 300 });
    const startedAt = Date.now();
    const answer = await register(simulator, [input('a@example.com')]);

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(280);
    expect(answer.status).toBe(200);
    expect(simulator.attendance()).toHaveLength(1);
  });

  it('when a drop fault is queued then the client sees a socket error and nothing is stored', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'drop' });

    expect(await failsOnTheWire(simulator, [input('a@example.com')])).toBeInstanceOf(Error);
    expect(simulator.attendance()).toEqual([]);
    expect(simulator.requests()[0]).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('when a reset-mid-response fault is queued then the client sees an error although the inputs were stored', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'reset-mid-response' });

    expect(await failsOnTheWire(simulator, [input('a@example.com')])).toBeInstanceOf(Error);
    expect(simulator.attendance().map((row) => row.email)).toEqual(['a@example.com']);
    expect(simulator.requests()[0]).toMatchObject({ status: 200, fault: 'reset-mid-response' });
  });

  it('when a reject-batch fault matches an email then only batches holding it get 400 and nothing of them is stored', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'reject-batch', match: { email: 'Bad@Example.com' }, probability: 1 });
    const clean = await register(simulator, [input('a@example.com')]);
    const tainted = await register(simulator, [input('b@example.com'), input('bad@example.com')]);

    expect(clean.status).toBe(200);
    expect(tainted.status).toBe(400);
    expect(tainted.json.category).toBe('VALIDATION_ERROR');
    expect(simulator.attendance().map((row) => row.email)).toEqual(['a@example.com']);
  });

  it('when an input-error fault matches an email then that input is in errors[] and the rest is stored', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'input-error', category: 'OBJECT_NOT_FOUND', subCategory: 'X.Y', match: { email: 'b@example.com' } });
    const answer = await register(simulator, [input('a@example.com'), input('b@example.com')]);

    expect(answer.status).toBe(200);
    expect(answer.json.numErrors).toBe(1);
    expect(answer.json.errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', subCategory: 'X.Y', context: { emails: ['b@example.com'] } }),
    ]);
    expect(simulator.attendance().map((row) => row.email)).toEqual(['a@example.com']);
  });

  it('when a probability-1 fault matches a state then it hits every such request until clearFaults', async () => {
    const simulator = await start();
    simulator.inject({ kind: 'status', status: 500, probability: 1, match: { state: 'attend' } });

    expect((await attend(simulator, [attended('a@example.com')])).status).toBe(500);
    expect((await attend(simulator, [attended('a@example.com')])).status).toBe(500);
    expect((await register(simulator, [input('a@example.com')])).status).toBe(200);
    simulator.clearFaults();
    expect((await attend(simulator, [attended('a@example.com')])).status).toBe(200);
  });

  it('when a fault is malformed then inject throws', async () => {
    const simulator = await start();
    expect(() => simulator.inject({ kind: 'status', status: 99 })).toThrow(TypeError);
  });

  it('when reset is called then requests, attendance, faults and windows are forgotten but tokens stay', async () => {
    const simulator = await start({ rateLimit: { max: 1, intervalMs: 60_000 } });
    await register(simulator, [input('a@example.com')]);
    simulator.inject({ kind: 'drop' });
    simulator.reset();

    expect(simulator.requests()).toEqual([]);
    expect(simulator.attendance()).toEqual([]);
    expect((await register(simulator, [input('a@example.com')])).status).toBe(200);
    expect(simulator.stats()).toMatchObject({ requests: 1, accepted: 1, peakInWindow: 1 });
  });
});

async function control(simulator: HubspotSimulator, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
  const answer = await request(`${simulator.url}/_simulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.statusCode, json: (await answer.body.json()) as unknown };
}

describe('HTTP control routes', () => {
  it('when faults, tokens and limits are set over HTTP then they act like the JS API', async () => {
    const simulator = await start();
    expect((await control(simulator, 'POST', 'faults', { kind: 'status', status: 502 })).status).toBe(200);
    expect((await register(simulator, [input('a@example.com')])).status).toBe(502);
    expect((await control(simulator, 'POST', 'faults', { kind: 'nope' })).status).toBe(400);

    await control(simulator, 'POST', 'faults', { kind: 'drop', probability: 1 });
    await control(simulator, 'DELETE', 'faults');
    expect((await register(simulator, [input('a@example.com')])).status).toBe(200);

    await control(simulator, 'PUT', 'rate-limit', { max: 1, intervalMs: 60_000 });
    expect((await register(simulator, [input('a@example.com')])).status).toBe(429);

    expect((await control(simulator, 'GET', 'stats')).json).toMatchObject({ requests: 3, accepted: 2, rateLimited: 1 });
    expect((await control(simulator, 'GET', 'requests')).json).toHaveLength(3);
    expect((await control(simulator, 'GET', 'attendance')).json).toHaveLength(1);

    await control(simulator, 'POST', 'reset');
    await control(simulator, 'PUT', 'tokens', { other: { scopes: ['crm.objects.marketing_events.write'] } });
    expect((await register(simulator, [input('a@example.com')])).status).toBe(401);
    expect((await register(simulator, [input('a@example.com')], 'Bearer other')).status).toBe(200);
    expect((await control(simulator, 'GET', 'requests')).json).toHaveLength(2);
  });
});

describe('standalone entry', () => {
  it('when given flags and env then the options follow them, flags first', () => {
    const options = simulatorOptionsFromCli(
      ['--port', '4010', '--host', '0.0.0.0', '--token', 'a', '--token', 'b', '--rate-max', '7', '--rate-interval-ms', '500'],
      { HUBSPOT_SIM_PORT: '9999', HUBSPOT_SIM_TOKEN: 'env-token' },
    );

    expect(options).toEqual({
      port: 4010,
      host: '0.0.0.0',
      tokens: {
        a: { scopes: ['crm.objects.marketing_events.write'] },
        b: { scopes: ['crm.objects.marketing_events.write'] },
      },
      rateLimit: { max: 7, intervalMs: 500 },
    });
    expect(simulatorOptionsFromCli([], { HUBSPOT_SIM_PORT: '9999', HUBSPOT_SIM_TOKEN: 'x,y' })).toEqual({
      port: 9999,
      tokens: { x: { scopes: ['crm.objects.marketing_events.write'] }, y: { scopes: ['crm.objects.marketing_events.write'] } },
    });
    expect(() => simulatorOptionsFromCli(['--rate-max', 'lots'], {})).toThrow(RangeError);
  });

  // Needs the build (npm run build); HUBSPOT_SIM_MAIN_JS may point at another build of main.js.
  const mainJs = process.env.HUBSPOT_SIM_MAIN_JS ?? resolve('dist/dev/hubspot-simulator/main.js');

  it.skipIf(!existsSync(mainJs))('when run as a process then it prints its URL line and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [mainJs, '--port', '0', '--token', 'proc-token'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const lines = createInterface({ input: child.stdout });
      const firstLine = await new Promise<string>((done, fail) => {
        lines.once('line', done);
        child.once('exit', () => fail(new Error('simulator exited before printing its line')));
      });
      const announced = JSON.parse(firstLine) as { hubspotSimulator: string; url: string };
      expect(announced.hubspotSimulator).toBe('listening');
      expect(announced.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const stats = await request(`${announced.url}/_simulator/stats`);
      expect(await stats.body.json()).toMatchObject({ requests: 0 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
