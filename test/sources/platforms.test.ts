import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { SOURCE_MODULES, SourceConfigByType } from '../../src/sources/platforms.js';
import { createSources } from '../../src/sources/registry.js';

/**
 * The list in src/sources/platforms.ts is the only place that names every platform: these tests
 * show that it alone drives which types the config loader knows and how each source is built.
 */

const SECRET = 'platform-secret-0123456789';
/** The least configuration each listed type accepts, beside its id and type. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  zoom: { secretToken: SECRET },
  generic: {
    verify: { scheme: 'bearer', token: SECRET },
    map: { eventType: 'type', states: { 'guest.registered': 'register' }, email: 'email', sourceEventId: 'event' },
  },
  tito: { secret: SECRET },
  luma: { secret: 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=' },
  livestorm: { secret: SECRET },
  eventbrite: { webhookToken: SECRET, apiToken: 'eventbrite-oauth-token' },
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the platform list', () => {
  it('when the loader meets an unknown type, then it names exactly the listed types, in list order', () => {
    const problems = problemsOf(() => parseConfig({ sources: [{ id: 'x', type: 'nope' }] }, {}));
    expect(problems).toContain(`sources[0].type: unknown source type "nope" (known: ${SOURCE_MODULES.map((m) => m.type).join(', ')})`);
    expect(Object.keys(SourceConfigByType)).toEqual(SOURCE_MODULES.map((m) => m.type));
  });

  it("when a module is listed, then its schema's type is the module's type", () => {
    for (const module of SOURCE_MODULES) {
      expect(module.configSchema.properties.type.const, module.type).toBe(module.type);
    }
  });

  for (const module of SOURCE_MODULES) {
    describe(`type ${module.type}`, () => {
      const entry = { id: `${module.type}-source`, type: module.type, ...MINIMAL[module.type] };

      it('when configured minimally, then it validates and createSources builds a source of that type', () => {
        expect(MINIMAL[module.type], 'a minimal configuration in this test').toBeDefined();
        const config = parseConfig({ sources: [entry] }, {});
        const source = createSources(config.sources, { internal: false }).get(entry.id);
        expect(source?.type).toBe(module.type);
        expect(source?.id).toBe(entry.id);
      });

      it("when a key its schema does not know is added, then the loader refuses it with that type's schema", () => {
        const problems = problemsOf(() => parseConfig({ sources: [{ ...entry, notAKey: 1 }] }, {}));
        expect(problems.some((p) => p.startsWith('sources[0]') && p.includes('notAKey'))).toBe(true);
      });
    });
  }
});
