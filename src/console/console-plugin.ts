import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { RelayError } from '../http/errors.js';

/**
 * The page may load only its own files and call only its own origin: no inline script or style,
 * no frames, no forms posted anywhere (the sign-in form is handled by script).
 */
const CONSOLE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Where `npm run build` puts the page: beside this module once compiled (dist/src/console/public),
 * or the built copy when this module runs from source (tests under tsx).
 */
function publicDir(): string | undefined {
  const candidates = [resolve(import.meta.dirname, 'public'), resolve(import.meta.dirname, '../../dist/src/console/public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** The built files, read once: the page is small and never changes while the relay runs. */
function loadAssets(dir: string): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return assets;
}

export interface ConsoleOptions {
  /** Whether the admin API is on (admin.token set); without it the console does not exist (404). */
  enabled: boolean;
}

/** GET /console: the operator console, a static page that uses the admin API with the token the operator types. */
export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (app, { enabled }) => {
  if (!enabled) return;
  const dir = publicDir();
  if (!dir) {
    app.log.warn('the operator console is not built (npm run build); GET /console answers 404');
    return;
  }
  const assets = loadAssets(dir);
  const send = (name: string) => {
    const asset = assets.get(name);
    if (!asset) throw new RelayError('ROUTE_NOT_FOUND', `No console file ${name}`);
    return asset;
  };
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => {
    const page = send('index.html');
    return reply.headers(CONSOLE_HEADERS).type(page.type).send(page.body);
  });
  app.get<{ Params: { file: string } }>('/console/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = send(request.params.file);
    return reply.headers(CONSOLE_HEADERS).type(asset.type).send(asset.body);
  });
};
