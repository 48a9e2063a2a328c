import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import type { RelayConfig } from '../../src/config/schema.js';
import type { ZoomSourceConfig } from '../../src/sources/zoom/config.js';
import { tempDir } from '../support/temp.js';

/** The first source, which these tests configure as Zoom. */
function zoomSource(config: RelayConfig): ZoomSourceConfig {
  const source = config.sources[0];
  if (source?.type !== 'zoom') throw new Error('expected a Zoom source first');
  return source;
}

let temp: { dir: string; remove: () => void };

beforeEach(() => {
  temp = tempDir('config-test-');
});

afterEach(() => {
  temp.remove();
});

/** Writes `yaml` to a file in the temp dir and loads it with `env` (never the real process env). */
function load(yaml: string, env: NodeJS.ProcessEnv = {}): RelayConfig {
  const file = join(temp.dir, 'relay.yaml');
  writeFileSync(file, yaml);
  return loadConfig({ file, env });
}

/** The problems of the ConfigError `fn` throws (fails the test otherwise). */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

/** The one problem about `key` (the text before the first colon). */
function problemAbout(all: string[], key: string): string {
  const found = all.filter((p) => p.startsWith(`${key}:`));
  expect(found, `a problem about ${key} in ${JSON.stringify(all)}`).toHaveLength(1);
  return found[0] as string;
}

const ZOOM = `
sources:
  - id: zoom
    type: zoom
    secretToken: zoom-secret-0123456789
`;

describe('loading a YAML configuration', () => {
  it('when the file holds only a Zoom source, then every other setting takes its default and the Zoom defaults apply', () => {
    const config = load(ZOOM);
    expect(config.server).toMatchObject({ port: 3000, host: '0.0.0.0' });
    expect(config.hubspot).toMatchObject({ baseUrl: 'https://api.hubapi.com', batchSize: 100 });
    expect(config.logging.level).toBe('info');
    expect(config.sources).toEqual([
      {
        id: 'zoom',
        type: 'zoom',
        secretToken: 'zoom-secret-0123456789',
        timestampToleranceSeconds: 5400,
        sessionTimeoutHours: 12,
        bodyLimitBytes: 65_536,
      },
    ]);
    expect(config.events).toEqual([]);
  });

  it('when events map a source event to HubSpot, then the mappings are kept', () => {
    const config = load(`${ZOOM}
events:
  - source: zoom
    sourceEventId: "81234567890"
    hubspot: { objectId: "555" }
  - source: zoom
    sourceEventId: "*"
    hubspot: { externalAccountId: acct-1 }
`);
    expect(config.events).toEqual([
      { source: 'zoom', sourceEventId: '81234567890', hubspot: { objectId: '555' } },
      { source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'acct-1' } },
    ]);
  });

  it('when the file does not exist, then a ConfigError names the file', () => {
    const missing = join(temp.dir, 'nope.yaml');
    const all = problems(() => loadConfig({ file: missing, env: {} }));
    expect(all.join('\n')).toContain(missing);
  });

  it('when the file is not valid YAML, then a ConfigError says so', () => {
    const all = problems(() => load('sources: [\n  - id: zoom\n'));
    expect(all.join('\n')).toMatch(/YAML/);
  });
});

describe('environment variables in the YAML', () => {
  it('when a value is ${VAR}, then it is replaced by the environment value', () => {
    const config = load('sources:\n  - id: zoom\n    type: zoom\n    secretToken: ${ZOOM_SECRET_TOKEN}\n', {
      ZOOM_SECRET_TOKEN: 'from-env-0123456789',
    });
    expect(zoomSource(config).secretToken).toBe('from-env-0123456789');
  });

  it('when a value is ${VAR:-default} and VAR is unset, then the default is used; when set, the environment wins', () => {
    const yaml = `${ZOOM}hubspot:\n  baseUrl: \${HS_URL:-http://127.0.0.1:4010}\n`;
    expect(load(yaml).hubspot.baseUrl).toBe('http://127.0.0.1:4010');
    expect(load(yaml, { HS_URL: 'https://hubspot.example' }).hubspot.baseUrl).toBe('https://hubspot.example');
  });

  it('when a variable is embedded in a longer string, then only the placeholder is replaced', () => {
    const config = load(`${ZOOM}store:\n  url: sqlite:\${DATA_DIR}/relay.db\n`, { DATA_DIR: '/var/lib/relay' });
    expect(config.store.url).toBe('sqlite:/var/lib/relay/relay.db');
  });

  it('when an environment value looks like YAML, then it stays one string and does not change the document', () => {
    const config = load('sources:\n  - id: zoom\n    type: zoom\n    secretToken: ${ZOOM_SECRET_TOKEN}\n', {
      ZOOM_SECRET_TOKEN: 'a: b\n- c\nevents: []',
    });
    expect(zoomSource(config).secretToken).toBe('a: b\n- c\nevents: []');
  });

  it('when a required value uses an unset ${VAR}, then the problem names the key and the missing variable', () => {
    const all = problems(() => load('sources:\n  - id: zoom\n    type: zoom\n    secretToken: ${ZOOM_SECRET_TOKEN}\n'));
    expect(problemAbout(all, 'sources[0].secretToken')).toContain('ZOOM_SECRET_TOKEN');
  });
});

describe('environment overrides', () => {
  const YAML = `${ZOOM}server:
  port: 8080
  host: 127.0.0.1
store:
  url: sqlite:./from-file.db
hubspot:
  baseUrl: https://file.example
  accessToken: file-token
logging:
  level: warn
`;

  it('when PORT, HOST, STORE_URL, HUBSPOT_BASE_URL, HUBSPOT_ACCESS_TOKEN and LOG_LEVEL are set, then they override the file', () => {
    const config = load(YAML, {
      PORT: '9090',
      HOST: '::',
      STORE_URL: 'sqlite:/tmp/from-env.db',
      HUBSPOT_BASE_URL: 'http://localhost:4010',
      HUBSPOT_ACCESS_TOKEN: 'env-token',
      LOG_LEVEL: 'debug',
    });
    expect(config.server.port).toBe(9090);
    expect(config.server.host).toBe('::');
    expect(config.store.url).toBe('sqlite:/tmp/from-env.db');
    expect(config.hubspot.baseUrl).toBe('http://localhost:4010');
    expect(config.hubspot.accessToken).toBe('env-token');
    expect(config.logging.level).toBe('debug');
  });

  it('when no override is set, then the file values are used', () => {
    const config = load(YAML);
    expect(config.server).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.store.url).toBe('sqlite:./from-file.db');
    expect(config.hubspot).toMatchObject({ baseUrl: 'https://file.example', accessToken: 'file-token' });
    expect(config.logging.level).toBe('warn');
  });

  it('when there is no file at all, then the environment alone configures the relay', () => {
    const config = loadConfig({ env: { PORT: '4000', HUBSPOT_ACCESS_TOKEN: 'env-token' } });
    expect(config.server.port).toBe(4000);
    expect(config.sandbox).toBe(false);
  });

  it('when PORT is not a number, then the problem names PORT', () => {
    expect(
      problemAbout(
        problems(() => load(ZOOM, { PORT: 'eighty' })),
        'PORT',
      ),
    ).toContain('eighty');
  });

  it('when LOG_LEVEL is not a level, then the problem names logging.level', () => {
    problemAbout(
      problems(() => load(ZOOM, { LOG_LEVEL: 'verbose' })),
      'logging.level',
    );
  });

  it('when STORE_URL is not a sqlite/postgres URL, then the problem names store.url', () => {
    problemAbout(
      problems(() => load(ZOOM, { STORE_URL: 'mysql://db/relay' })),
      'store.url',
    );
  });
});

describe('validation problems name the exact key', () => {
  it.each([
    ['hubspot:\n  batchSize: 0\n', 'hubspot.batchSize'],
    ['hubspot:\n  batchSize: 101\n', 'hubspot.batchSize'],
    ['hubspot:\n  batchSize: ten\n', 'hubspot.batchSize'],
    ['server:\n  port: 70000\n', 'server.port'],
    ['server:\n  requestTimeoutMs: 0\n', 'server.requestTimeoutMs'],
    ['server:\n  connectionsCheckingIntervalMs: 10\n', 'server.connectionsCheckingIntervalMs'],
    ['hubspot:\n  baseUrl: ftp://hubspot.example\n', 'hubspot.baseUrl'],
  ])('when the file has %j, then the problem names %s', (yaml, key) => {
    const problem = problemAbout(
      problems(() => load(`${ZOOM}${yaml}`)),
      key,
    );
    expect(problem.length).toBeGreaterThan(key.length + 2); // says why, not just where
  });

  it('when no server timeout is set, then headers get 10 s, a request 30 s, checked every 2 s, and the connection timeout is 60 s', () => {
    expect(load(ZOOM).server).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      connectionsCheckingIntervalMs: 2000,
      connectionTimeoutMs: 60_000,
    });
  });

  it('when server.headersTimeoutMs exceeds server.requestTimeoutMs, then the problem names both', () => {
    const problem = problemAbout(
      problems(() => load(`${ZOOM}server:\n  headersTimeoutMs: 20000\n  requestTimeoutMs: 15000\n`)),
      'server.headersTimeoutMs',
    );
    expect(problem).toContain('server.requestTimeoutMs');
  });

  it('when a batch size is out of range, then the problem says what was given', () => {
    expect(
      problemAbout(
        problems(() => load(`${ZOOM}hubspot:\n  batchSize: 500\n`)),
        'hubspot.batchSize',
      ),
    ).toContain('500');
  });

  it('when a source has an empty secretToken, then the problem names sources[0].secretToken', () => {
    problemAbout(
      problems(() => load('sources:\n  - id: zoom\n    type: zoom\n    secretToken: ""\n')),
      'sources[0].secretToken',
    );
  });

  it('when a source has no secretToken at all, then the problem names sources[0].secretToken', () => {
    problemAbout(
      problems(() => load('sources:\n  - id: zoom\n    type: zoom\n')),
      'sources[0].secretToken',
    );
  });

  it('when the second source has an empty secretToken, then the problem names sources[1].secretToken', () => {
    const yaml = `${ZOOM}  - id: zoom-b\n    type: zoom\n    secretToken: ""\n`;
    problemAbout(
      problems(() => load(yaml)),
      'sources[1].secretToken',
    );
  });

  it('when an event mapping has no hubspot target, then the problem names events[0].hubspot', () => {
    const yaml = `${ZOOM}events:\n  - source: zoom\n    sourceEventId: "1"\n`;
    problemAbout(
      problems(() => load(yaml)),
      'events[0].hubspot',
    );
  });

  it('when a Zoom source has a zero session timeout, then the problem names sources[0].sessionTimeoutHours', () => {
    problemAbout(
      problems(() => load(`${ZOOM}    sessionTimeoutHours: 0\n`)),
      'sources[0].sessionTimeoutHours',
    );
  });

  it('when a source has a misspelled key, then the problem names the source and the key', () => {
    const all = problems(() => load(`${ZOOM}    secretTokn: oops\n`));
    expect(all.some((p) => p.startsWith('sources[0]') && p.includes('secretTokn'))).toBe(true);
  });

  it('when a section has a misspelled key, then the problem names it', () => {
    const all = problems(() => load(`${ZOOM}hubspot:\n  batchSise: 10\n`));
    expect(all.some((p) => p.startsWith('hubspot') && p.includes('batchSise'))).toBe(true);
  });

  it('when a source type is unknown, then the problem names sources[0].type and the type', () => {
    const problem = problemAbout(
      problems(() => load('sources:\n  - id: teams\n    type: msteams\n    secretToken: x\n')),
      'sources[0].type',
    );
    expect(problem).toContain('msteams');
  });

  it('when two sources share an id, then the problem names the second one', () => {
    const yaml = `${ZOOM}  - id: zoom\n    type: zoom\n    secretToken: other\n`;
    expect(
      problemAbout(
        problems(() => load(yaml)),
        'sources[1].id',
      ),
    ).toContain('zoom');
  });

  it('when an event points at an unknown source, then the problem names events[0].source', () => {
    const yaml = `${ZOOM}events:\n  - source: zoom-typo\n    sourceEventId: "1"\n    hubspot: { objectId: "555" }\n`;
    expect(
      problemAbout(
        problems(() => load(yaml)),
        'events[0].source',
      ),
    ).toContain('zoom-typo');
  });

  it.each([
    {
      what: 'sources is a mapping instead of a list',
      yaml: 'sources:\n  id: zoom\n  type: zoom\n  secretToken: zoom-secret-0123456789\n',
      key: 'sources',
    },
    { what: 'a sources entry is empty', yaml: 'sources:\n  -\n', key: 'sources[0]' },
    { what: 'events is a scalar', yaml: `${ZOOM}events: zoom\n`, key: 'events' },
    { what: 'hubspot is a scalar', yaml: `${ZOOM}hubspot: yes-please\n`, key: 'hubspot' },
    { what: 'hubspot.accessToken is a number', yaml: `${ZOOM}hubspot:\n  accessToken: 12345\n`, key: 'hubspot.accessToken' },
  ])('when $what, then a ConfigError (not a crash) names $key', ({ yaml, key }) => {
    const all = problems(() => load(yaml));
    expect(
      all.some((p) => p.startsWith(`${key}:`) || p.startsWith(`${key}[`) || p.startsWith(`${key}.`)),
      JSON.stringify(all),
    ).toBe(true);
  });

  it('when several things are wrong, then every problem is reported at once', () => {
    const yaml = `sources:
  - id: zoom
    type: zoom
    secretToken: ""
hubspot:
  batchSize: 0
events:
  - source: nowhere
    sourceEventId: "1"
    hubspot: { objectId: "555" }
`;
    const all = problems(() => load(yaml));
    problemAbout(all, 'sources[0].secretToken');
    problemAbout(all, 'hubspot.batchSize');
    problemAbout(all, 'events[0].source');
  });

  it('when the configuration is invalid, then the error message lists the problems', () => {
    try {
      load(`${ZOOM}hubspot:\n  batchSize: 0\n`);
      expect.unreachable('the configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('hubspot.batchSize');
    }
  });
});

describe('HubSpot token and sandbox', () => {
  it('when there is no token outside production, then the relay runs in sandbox mode', () => {
    expect(load(ZOOM).sandbox).toBe(true);
    expect(load(ZOOM, { NODE_ENV: 'development' }).sandbox).toBe(true);
  });

  it('when a token is set, then sandbox mode is off', () => {
    expect(load(ZOOM, { HUBSPOT_ACCESS_TOKEN: 'pat-na1-123' }).sandbox).toBe(false);
    expect(load(`${ZOOM}hubspot:\n  accessToken: pat-na1-456\n`).sandbox).toBe(false);
  });

  it('when NODE_ENV=production and no token is set, then the problem names hubspot.accessToken', () => {
    problemAbout(
      problems(() => load(ZOOM, { NODE_ENV: 'production' })),
      'hubspot.accessToken',
    );
  });

  it('when NODE_ENV=production and the token is only blanks, then it counts as missing', () => {
    problemAbout(
      problems(() => load(`${ZOOM}hubspot:\n  accessToken: "   "\n`, { NODE_ENV: 'production' })),
      'hubspot.accessToken',
    );
  });

  it('when NODE_ENV=production and the token comes from ${VAR} that is unset, then it is missing', () => {
    const yaml = `${ZOOM}hubspot:\n  accessToken: \${HS_TOKEN}\n`;
    problemAbout(
      problems(() => load(yaml, { NODE_ENV: 'production' })),
      'hubspot.accessToken',
    );
    expect(load(yaml, { NODE_ENV: 'production', HS_TOKEN: 'pat-na1-789' })).toMatchObject({
      sandbox: false,
      hubspot: { accessToken: 'pat-na1-789' },
    });
  });

  it('when NODE_ENV=production and a token is set, then the configuration is accepted outside sandbox mode', () => {
    const config = load(ZOOM, { NODE_ENV: 'production', HUBSPOT_ACCESS_TOKEN: 'pat-na1-123' });
    expect(config.sandbox).toBe(false);
  });
});

describe('parseConfig with an already parsed document', () => {
  it('when given an object, then it is validated and interpolated like a file', () => {
    const config = parseConfig(
      { sources: [{ id: 'zoom', type: 'zoom', secretToken: '${Z}' }], hubspot: { batchSize: 25 } },
      { Z: 'zoom-token-0123456789' },
    );
    expect(zoomSource(config).secretToken).toBe('zoom-token-0123456789');
    expect(config.hubspot.batchSize).toBe(25);
  });

  it('when given an invalid object, then it throws ConfigError naming the key', () => {
    problemAbout(
      problems(() => parseConfig({ hubspot: { batchSize: -1 } }, {})),
      'hubspot.batchSize',
    );
  });
});
