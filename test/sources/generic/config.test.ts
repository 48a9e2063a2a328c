import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load.js';

/** Long enough for every scheme (16 characters at least); a Standard Webhooks key: 24 bytes, base64. */
const TOKEN = 'checkin-app-token-0123456789';
const STANDARD_SECRET = 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=';
const MAP = {
  eventType: 'type',
  states: { 'guest.registered': 'register' },
  email: 'data.email',
  sourceEventId: 'data.event_id',
  occurredAt: 'data.created_at',
};

/** The problems of configuring `source` (with `env` for ${VAR}s), or [] when it is accepted. */
function problems(source: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig({ hubspot: { accessToken: 'x' }, sources: [source] }, env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}
const generic = (rest: Record<string, unknown>) => ({ id: 'checkin-app', type: 'generic', map: MAP, ...rest });

describe('configuring a generic source', () => {
  it('when verify is missing, then the problem names sources[i].verify', () => {
    expect(problems(generic({}))).toEqual(['sources[0].verify: is required']);
  });

  it('when the configuration is complete, then defaults are filled in (tolerance 300 s, attendance 60 minutes)', () => {
    const config = parseConfig(
      { hubspot: { accessToken: 'x' }, sources: [generic({ verify: { scheme: 'standard-webhooks', secret: '${CHECKIN_SECRET}' } })] },
      { CHECKIN_SECRET: STANDARD_SECRET },
    );
    expect(config.sources[0]).toMatchObject({
      verify: { scheme: 'standard-webhooks', secret: STANDARD_SECRET, toleranceSeconds: 300 },
      defaultAttendMinutes: 60,
    });
  });

  it.each([
    [
      { scheme: 'standard-webhooks' },
      [
        'sources[0].verify.scheme: scheme standard-webhooks also needs secret (got "standard-webhooks")',
        'sources[0].verify.secret: is required',
      ],
    ],
    [
      { scheme: 'hmac-sha256', secret: TOKEN },
      [
        'sources[0].verify.scheme: scheme hmac-sha256 also needs secret and header (got "hmac-sha256")',
        'sources[0].verify.header: is required',
      ],
    ],
    [
      { scheme: 'bearer' },
      ['sources[0].verify.scheme: scheme bearer also needs token (got "bearer")', 'sources[0].verify.token: is required'],
    ],
    [
      { scheme: 'hmac-sha256', secret: TOKEN, header: 'X-Signature', signedPayload: 'timestamp.body' },
      [
        'sources[0].verify.signedPayload: signedPayload timestamp.body also needs timestampHeader (got "timestamp.body")',
        'sources[0].verify.timestampHeader: is required',
      ],
    ],
    [
      { scheme: 'hmac-sha256', secret: TOKEN, header: 'X-Signature', encoding: 'hexadecimal' },
      ['sources[0].verify.encoding: must be one of: hex, base64 (got "hexadecimal")'],
    ],
    [{ scheme: 'rsa' }, ['sources[0].verify.scheme: must be one of: standard-webhooks, hmac-sha256, bearer, livestorm (got "rsa")']],
    [{ scheme: 'bearer', token: TOKEN, secrett: 'x' }, ['sources[0].verify.secrett: unknown key']],
  ])('when verify is %j, then each problem names its key', (verify, expected) => {
    expect(problems(generic({ verify }))).toEqual(expected);
  });

  it('when a secret comes from an unset variable, then the problem says which variable', () => {
    // (How the found value is shown is the loader's business: secrets may be masked.)
    expect(problems(generic({ verify: { scheme: 'standard-webhooks', secret: '${CHECKIN_SECRET}' } }))).toEqual([
      expect.stringMatching(
        /^sources\[0\]\.verify\.secret: must not have fewer than 16 characters \(got .*\) \(it uses \$\{CHECKIN_SECRET\}, which is not set\)$/,
      ),
    ]);
  });

  it('when a path is malformed, then the problem names the key and says why', () => {
    expect(problems(generic({ verify: { scheme: 'bearer', token: TOKEN }, map: { ...MAP, email: 'data..email' } }))).toEqual([
      'sources[0].map.email: not a valid path: "data..email": a "." must follow a key or a [...] (position 6) (got "data..email")',
    ]);
    expect(problems(generic({ verify: { scheme: 'bearer', token: TOKEN }, map: { ...MAP, email: ['data.email', 'header:'] } }))).toEqual([
      'sources[0].map.email: [1] is not a valid path: "header:" is not a header path (header:<name>) (got ["data.email","header:"])',
    ]);
  });

  it('when a state, a map key or a contact property is unknown, then the problem names it', () => {
    const verify = { scheme: 'bearer', token: TOKEN };
    expect(problems(generic({ verify, map: { ...MAP, states: { 'guest.registered': 'registered' } } }))).toEqual([
      'sources[0].map.states.guest.registered: must be one of: register, attend, cancel, or a rule { state, when, equals } (or a list of rules) (got "registered")',
    ]);
    expect(problems(generic({ verify, map: { ...MAP, emails: 'x' } }))).toEqual(['sources[0].map.emails: unknown key']);
    expect(problems(generic({ verify, map: { ...MAP, contactProperties: { 'first-name': 'data.first' } } }))).toEqual([
      'sources[0].map.contactProperties: "first-name" is not a HubSpot property internal name (letters, digits and _, starting with a letter) (got {"first-name":"data.first"})',
    ]);
    expect(problems(generic({ verify, map: { ...MAP, contactProperties: { email: 'data.other_email' } } }))).toEqual([
      'sources[0].map.contactProperties: "email" identifies the contact: map it with map.email (got {"email":"data.other_email"})',
    ]);
    expect(problems(generic({ verify, map: { ...MAP, contactProperties: { industry: 'data..industry' } } }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.map\.contactProperties: industry: not a valid path: /),
    ]);
    expect(problems(generic({ verify, map: { ...MAP, states: {} } }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.map\.states: .* \(got \{\}\)$/),
    ]);
    expect(problems(generic({ verify, map: { ...MAP, sourceEventId: 42 } }))).toEqual([
      'sources[0].map.sourceEventId: must be a path or a list of paths (got 42)',
    ]);
    const { email: _email, ...withoutEmail } = MAP;
    expect(problems(generic({ verify, map: withoutEmail }))).toEqual(['sources[0].map.email: is required']);
  });

  it('when an hmac-sha256 source signing the body alone reads its event type from a header, then map.bodyType is required (a malformed path is reported as such)', () => {
    const verify = { scheme: 'hmac-sha256', secret: TOKEN, header: 'X-Signature' };
    expect(problems(generic({ verify, map: { ...MAP, eventType: 'header:X-Event' } }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.map\.bodyType: is required: map\.eventType reads a header/),
    ]);
    expect(problems(generic({ verify, map: { ...MAP, eventType: 'header:X-Event', bodyType: 'kind' } }))).toEqual([]);
    expect(
      problems(
        generic({
          verify: { ...verify, signedPayload: 'timestamp.body', timestampHeader: 'X-Ts' },
          map: { ...MAP, eventType: 'header:X-Event' },
        }),
      ),
    ).toEqual([]);
    expect(problems(generic({ verify, map: { ...MAP, eventType: 'a..b' } }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.map\.eventType: not a valid path/),
    ]);
  });

  it('when a contact property is not one of the named ones (a custom HubSpot property), then it is accepted', () => {
    const verify = { scheme: 'bearer', token: TOKEN };
    expect(
      problems(
        generic({
          verify,
          map: { ...MAP, contactProperties: { industry: 'data.industry', ticket_type: ['data.ticket.type', 'data.tier'] } },
        }),
      ),
    ).toEqual([]);
  });

  it('when rules are given, then they are accepted', () => {
    const map = {
      ...MAP,
      states: {
        'guest.updated': [
          { state: 'attend', when: ['data.checked_in_at', 'data.tickets[*].checked_in_at'] },
          { state: 'cancel', when: 'data.status', equals: 'declined' },
        ],
      },
    };
    expect(problems(generic({ verify: { scheme: 'bearer', token: TOKEN }, map }))).toEqual([]);
  });
});

describe('configuring a preset', () => {
  it.each([['tito'], ['luma'], ['livestorm']])('when a %s source has its secret, then it is accepted with defaults', (type) => {
    const secret = type === 'luma' ? STANDARD_SECRET : TOKEN;
    const config = parseConfig({ hubspot: { accessToken: 'x' }, sources: [{ id: type, type, secret }] }, {});
    expect(config.sources[0]).toMatchObject({ id: type, type, secret, defaultAttendMinutes: 60, bodyLimitBytes: 65_536 });
    if (type === 'tito') expect(config.sources[0]).toMatchObject({ maxBodyAgeHours: 6 });
  });

  it('when a preset has no secret, or keys it does not take, then the problems name them', () => {
    expect(problems({ id: 'tito', type: 'tito' })).toEqual(['sources[0].secret: is required']);
    expect(problems({ id: 'tito', type: 'tito', secret: TOKEN, map: {} })).toEqual(['sources[0].map: unknown key']);
    expect(problems({ id: 'tito', type: 'tito', secret: TOKEN, toleranceSeconds: 10 })).toEqual([
      'sources[0].toleranceSeconds: unknown key',
    ]);
    expect(problems({ id: 'luma', type: 'luma', secret: STANDARD_SECRET, toleranceSeconds: 0 })).toEqual([
      'sources[0].toleranceSeconds: must be >= 1 (got 0)',
    ]);
  });
});

describe('Standard Webhooks secrets', () => {
  it('when a secret decodes to no key at all, then it is refused (an empty HMAC key would let anyone sign)', () => {
    expect(problems(generic({ verify: { scheme: 'standard-webhooks', secret: 'whsec_AAAAAAAAAAAA' } }))).toEqual([
      'sources[0].verify.scheme: scheme standard-webhooks needs a base64 secret (got "standard-webhooks")',
      expect.stringMatching(/^sources\[0\]\.verify\.secret: must decode to at least 24 bytes \(it decodes to 9\) \(got .*\)$/),
    ]);
    expect(problems({ id: 'luma', type: 'luma', secret: '!!!!!!!!!!!!!!!!!!!!!!!!' })).toEqual([
      expect.stringMatching(/^sources\[0\]\.secret: must be the signing secret: base64, optionally after whsec_ \(got .*\)$/),
    ]);
    // An HMAC secret is any text (used as it is), so only its length counts.
    expect(problems(generic({ verify: { scheme: 'hmac-sha256', secret: '!!!!!!!!!!!!!!!!', header: 'X-Sig' } }))).toEqual([]);
  });
});

describe('configuring body kinds and several people per webhook (issue 13)', () => {
  const HMAC = { scheme: 'hmac-sha256', secret: TOKEN, header: 'X-Signature' };
  const fromHeader = { ...MAP, eventType: 'header:x-event' };

  it('when bodyType is a list of rules { kind, when, equals }, then it is accepted as the body check a header event type needs', () => {
    const bodyType = [
      { kind: 'registration', when: '_type', equals: 'registration' },
      { kind: 'checkin', when: ['checkin_uuid', 'checked_in_at'] },
    ];
    expect(problems(generic({ verify: HMAC, map: { ...fromHeader, bodyType } }))).toEqual([]);
  });

  it('when a bodyType rule has an unknown key or a bad path, then the problem names map.bodyType', () => {
    const either = 'sources[0].map.bodyType: must be a path, a list of paths, or a list of rules { kind, when, equals }';
    expect(problems(generic({ verify: HMAC, map: { ...fromHeader, bodyType: [{ kind: 'checkin', when: 'a..b' }] } }))).toEqual([
      expect.stringContaining(either),
      expect.stringMatching(/^sources\[0\]\.map\.bodyType\[0\]\.when: not a valid path: "a\.\.b"/),
    ]);
    expect(problems(generic({ verify: HMAC, map: { ...fromHeader, bodyType: [{ kind: 'checkin', when: 'a', whenn: 'b' }] } }))).toEqual([
      expect.stringContaining(either),
      'sources[0].map.bodyType[0].whenn: unknown key',
    ]);
  });

  it('when map.people is complete, then it is accepted; without email, the problem names map.people.email', () => {
    const people = { list: 'data.tickets', email: 'email', firstName: 'first_name' };
    expect(problems(generic({ verify: HMAC, map: { ...MAP, people } }))).toEqual([]);
    expect(problems(generic({ verify: HMAC, map: { ...MAP, people: { list: 'data.tickets' } } }))).toEqual([
      'sources[0].map.people.email: is required',
    ]);
  });
});

describe('configuring a Zoom source (issue 13)', () => {
  const zoom = (rest: Record<string, unknown>) => ({ id: 'zoom', type: 'zoom', secretToken: 'zoom-secret-token-0123456789', ...rest });

  it('when eventIdWhenMissing is uuid, then it is accepted; any other value is a problem naming the key', () => {
    expect(problems(zoom({ eventIdWhenMissing: 'uuid' }))).toEqual([]);
    expect(problems(zoom({ eventIdWhenMissing: 'topic' }))).toEqual([expect.stringMatching(/^sources\[0\]\.eventIdWhenMissing/)]);
  });
});
