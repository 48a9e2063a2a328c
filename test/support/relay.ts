import { Writable } from 'node:stream';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app/build-app.js';
import { parseConfig } from '../../src/config/load.js';
import type { RelayConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/support/logger.js';

export const ZOOM_SECRET = 'test-zoom-secret-token';

export interface TestRelay {
  url: string;
  app: FastifyInstance;
  config: RelayConfig;
  dbFile: string;
  /** Every log line the relay wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface RelayOptions {
  dir: string;
  hubspotUrl: string;
  token?: string;
  /** Merged over the test defaults (a Zoom source "zoom", every event mapped by external id). */
  config?: Record<string, unknown>;
  hubspot?: Record<string, unknown>;
  /** For configuration reload tests: what SIGHUP / POST /admin/reload reads. */
  loadConfig?: () => RelayConfig;
}

/** Captures pino output in memory so tests can read what the relay logged. */
export function logCapture(): { stream: Writable; lines: Array<Record<string, unknown>>; raw: string[] } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { stream, lines, raw };
}

export function testConfig(options: RelayOptions): RelayConfig {
  const dbFile = join(options.dir, 'relay.db');
  return parseConfig(
    {
      server: { port: 0, host: '127.0.0.1', shutdownGraceMs: 2000 },
      store: { url: `sqlite:${dbFile}` },
      hubspot: {
        baseUrl: options.hubspotUrl,
        accessToken: options.token ?? 'sim-token',
        batchWaitMs: 50,
        requestTimeoutMs: 2000,
        authProbeIntervalMs: 200,
        ...options.hubspot,
      },
      logging: { level: 'debug' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'acct-1' } }],
      ...options.config,
    },
    {},
  );
}

/** The relay, in this process, listening on an ephemeral port. */
export async function startRelay(options: RelayOptions): Promise<TestRelay> {
  const config = testConfig(options);
  const capture = logCapture();
  const app = await buildApp(config, {
    logger: createLogger(config.logging, capture.stream),
    logDestination: capture.stream,
    loadConfig: options.loadConfig,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    dbFile: join(options.dir, 'relay.db'),
    logs: capture.lines,
    close: () => app.close(),
  };
}
