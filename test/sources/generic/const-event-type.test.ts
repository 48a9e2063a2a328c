import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createGenericSourceFromConfig } from '../../../src/sources/generic/index.js';
import { livestorm } from '../../../src/sources/generic/presets/livestorm.js';
import type { GenericSourceConfig } from '../../../src/sources/generic/config.js';
import { livestormPeople } from './payloads.js';
import { livestormHeaders, webhookRequest } from './support.js';

/**
 * `map.eventType: "const:<type>"` (issue 13, item 6): a platform that sends each subscription to its
 * own URL (Livestorm: one webhook per event type) needs no event name in the body.
 */

const SECRET = 'livestorm-secret-0123456789';
const attendedOnly = { ...livestorm.map, eventType: 'const:people.attended' };

function configure(map: Record<string, unknown>): GenericSourceConfig {
  const config = parseConfig(
    {
      hubspot: { accessToken: 'x' },
      sources: [{ id: 'ls-attended', type: 'generic', verify: { scheme: 'livestorm', secret: SECRET }, map }],
    },
    {},
  );
  return config.sources[0] as GenericSourceConfig;
}

function problems(map: Record<string, unknown>): string[] {
  try {
    configure(map);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('a constant event type', () => {
  const source = createGenericSourceFromConfig(configure(attendedOnly));
  const send = (body: unknown) => {
    const text = JSON.stringify(body);
    const verdict = receiveWebhook(source, webhookRequest(text, livestormHeaders(SECRET, text)));
    return verdict.kind === 'respond' ? 'ignored' : source.interpret(JSON.parse(text));
  };
  const registered = Date.parse('2026-11-01T10:00:00Z') / 1000;
  const session = { startedAt: Date.parse('2026-11-20T15:00:00Z') / 1000, endedAt: Date.parse('2026-11-20T16:00:00Z') / 1000 };

  it('when a body names no event at all, then it is read as the constant type (attended)', () => {
    const body = livestormPeople(
      'people.attended',
      'ev-ls-1',
      { email: 'ada@example.com', firstName: 'Ada' },
      registered,
      session,
    ) as Record<string, unknown>;
    delete body.meta;
    expect(send(body)).toEqual([
      expect.objectContaining({ kind: 'attended', sourceEventId: 'ev-ls-1', joinedAt: Date.parse('2026-11-20T15:00:00Z') }),
    ]);
  });

  it('when a body names another event, then the constant still decides (the URL is the subscription)', () => {
    const body = {
      ...livestormPeople('people.attended', 'ev-ls-1', { email: 'ada@example.com' }, registered, session),
      meta: { event: 'people.registered' },
    };
    expect(send(body)).toEqual([expect.objectContaining({ kind: 'attended' })]);
  });

  it('when const: has no type after it, then the configuration names map.eventType', () => {
    expect(problems({ ...attendedOnly, eventType: 'const:' })).toEqual([
      expect.stringMatching(/^sources\[0\]\.map\.eventType: const: needs an event type after it/),
    ]);
  });

  it('when the constant type is not among map.states, then every webhook is acknowledged and ignored', () => {
    const ignoring = createGenericSourceFromConfig(configure({ ...attendedOnly, eventType: 'const:people.not_attended' }));
    const text = JSON.stringify(livestormPeople('people.attended', 'ev-ls-1', { email: 'ada@example.com' }, registered, session));
    expect(receiveWebhook(ignoring, webhookRequest(text, livestormHeaders(SECRET, text))).kind).toBe('respond');
  });
});
