import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { EventMappings } from '../../src/domain/event-mappings.js';

const ZOOM = { id: 'zoom', type: 'zoom', secretToken: 'zoom-secret-token-of-length' };

function problemsOf(events: unknown[]): string[] {
  try {
    parseConfig({ sources: [ZOOM], events }, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('createEvents configuration (issue 14)', () => {
  it('is accepted under an external-id mapping, the account id optional', () => {
    const config = parseConfig(
      {
        sources: [ZOOM],
        events: [
          {
            source: 'zoom',
            sourceEventId: '*',
            name: 'Fallback name',
            hubspot: { createEvents: { eventOrganizer: 'Acme Inc.', eventType: 'WEBINAR', customProperties: { region: 'EU' } } },
          },
        ],
      },
      {},
    );
    expect(config.hubspot.eventUpdateIntervalSeconds).toBe(60);
    const creation = new EventMappings(config.events).creation('zoom', '8123');
    expect(creation).toEqual({
      externalAccountId: 'zoom',
      externalEventId: '8123',
      targetKey: 'external:zoom:8123',
      createEvents: { eventOrganizer: 'Acme Inc.', eventType: 'WEBINAR', customProperties: { region: 'EU' } },
      name: 'Fallback name',
      endsAt: undefined,
    });
  });

  it('is refused beside an objectId, with one line naming the key', () => {
    expect(
      problemsOf([{ source: 'zoom', sourceEventId: '1', hubspot: { objectId: '55', createEvents: { eventOrganizer: 'Acme' } } }]),
    ).toEqual([expect.stringMatching(/^events\[0\]\.hubspot\.createEvents: cannot be used with hubspot\.objectId/)]);
  });

  it('needs an eventOrganizer (HubSpot requires one)', () => {
    expect(problemsOf([{ source: 'zoom', sourceEventId: '1', hubspot: { createEvents: {} } }])).toContain(
      'events[0].hubspot.createEvents.eventOrganizer: is required',
    );
  });

  it('leaves mappings without createEvents as they were', () => {
    const mappings = new EventMappings([{ source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'acct' } }]);
    expect(mappings.resolve('zoom', '9')).toBe('external:acct:9');
    expect(mappings.creation('zoom', '9')).toBeUndefined();
  });

  it('takes hubspot.eventUpdateIntervalSeconds', () => {
    const config = parseConfig({ sources: [ZOOM], hubspot: { eventUpdateIntervalSeconds: 5 } }, {});
    expect(config.hubspot.eventUpdateIntervalSeconds).toBe(5);
  });
});
