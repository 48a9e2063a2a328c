import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZoomSimState, type SimInstance } from './state.js';

export type * from './state.js';

export interface ZoomSimulator {
  url: string;
  /** What the relay's `api.baseUrl` and `api.oauthUrl` are set to. */
  baseUrl: string;
  oauthUrl: string;
  state: ZoomSimState;
  addInstance(instance: SimInstance): void;
  close(): Promise<void>;
}

export const SIM_CREDENTIALS = { accountId: 'sim-account', clientId: 'sim-client-id', clientSecret: 'sim-client-secret-0123456789' };
/** Zoom's largest page_size for these lists (Zoom API reference). */
const MAX_PAGE_SIZE = 300;

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
/** Zoom's error body: `{code, message}` (Zoom API reference, Error definitions). */
const zoomError = (res: ServerResponse, status: number, code: number, message: string, headers?: Record<string, string>) =>
  send(res, status, { code, message }, headers);

/**
 * An instance named in a path: its id, or its uuid. A uuid that begins with `/` or contains `//`
 * must arrive double-encoded (Zoom's reference); sent encoded once, Zoom finds nothing (404).
 */
function findInstance(state: ZoomSimState, kind: string, raw: string, latestOfId: boolean): SimInstance | undefined {
  const once = decodeURIComponent(raw);
  const needsDouble = (uuid: string) => uuid.startsWith('/') || uuid.includes('//');
  const byUuid = state.instances.find(
    (i) => i.kind === kind && needsDouble(i.uuid) && decodeURIComponent(once) === i.uuid && once !== i.uuid,
  );
  if (byUuid) return byUuid;
  const plain = state.instances.find((i) => i.kind === kind && !needsDouble(i.uuid) && i.uuid === once);
  if (plain) return plain;
  if (!latestOfId) return undefined;
  return state.instances.filter((i) => i.kind === kind && i.id === once).sort((a, b) => b.start_time.localeCompare(a.start_time))[0];
}

/** One page of `rows`: page_size (at most 300) and an opaque next_page_token (Zoom API reference, Pagination). */
function page<T>(rows: T[], query: URLSearchParams): { rows: T[]; next: string; size: number } | string {
  const size = Number(query.get('page_size') ?? 30);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return `page_size must be 1..${MAX_PAGE_SIZE}`;
  const start = query.get('next_page_token') ? Number(Buffer.from(query.get('next_page_token') as string, 'base64url').toString()) : 0;
  const end = start + size;
  return { rows: rows.slice(start, end), next: end < rows.length ? Buffer.from(String(end)).toString('base64url') : '', size };
}

function handle(state: ZoomSimState, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://sim');
  const rawPath = (req.url ?? '/').split('?')[0] as string;
  const now = Date.now();
  const record = (status: number) =>
    state.calls.push({ method: req.method ?? '', path: rawPath, query: Object.fromEntries(url.searchParams), status });

  // Server-to-Server OAuth (https://developers.zoom.us/docs/internal-apps/s2s-oauth/).
  if (req.method === 'POST' && rawPath === '/oauth/token') {
    const { accountId, clientId, clientSecret } = state.credentials;
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (
      url.searchParams.get('grant_type') !== 'account_credentials' ||
      url.searchParams.get('account_id') !== accountId ||
      req.headers.authorization !== basic
    ) {
      record(400);
      return send(res, 400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
    }
    record(200);
    return send(res, 200, state.issueToken(now));
  }

  const bearer = req.headers.authorization?.replace(/^Bearer /, '');
  if (!state.tokenValid(bearer, now)) {
    record(401);
    return zoomError(res, 401, 124, 'Invalid access token.');
  }
  const refuse = state.faults.refuseAll;
  if (refuse) {
    record(refuse.status);
    return zoomError(res, refuse.status, refuse.code, refuse.message);
  }
  const limit = state.faults.rateLimit;
  if (limit && limit.times > 0) {
    limit.times--;
    record(429);
    return zoomError(res, 429, 429, 'You have reached the maximum per-second rate limit for this API. Try again later.', {
      'retry-after': limit.retryAfter,
    });
  }

  const report = /^\/v2\/report\/(webinar|meeting)s\/([^/]+)\/participants$/.exec(rawPath);
  const registrants = /^\/v2\/(webinar|meeting)s\/([^/]+)\/registrants$/.exec(rawPath);
  const instances = /^\/v2\/past_(webinar|meeting)s\/([^/]+)\/instances$/.exec(rawPath);
  if (report) {
    const instance = findInstance(state, report[1] as string, report[2] as string, true);
    if (!instance || (instance.notReadyTimes ?? 0) > 0) {
      if (instance) instance.notReadyTimes = (instance.notReadyTimes as number) - 1;
      record(404);
      return zoomError(
        res,
        404,
        3001,
        `${report[1] === 'webinar' ? 'Webinar' : 'Meeting'} does not exist: ${decodeURIComponent(report[2] as string)}.`,
      );
    }
    const withRegistrant = url.searchParams.get('include_fields') === 'registrant_id';
    const rows = instance.participants.map(({ registrant_id, ...row }) => (withRegistrant ? { ...row, registrant_id } : row));
    const paged = page(rows, url.searchParams);
    if (typeof paged === 'string') return (record(400), zoomError(res, 400, 300, paged));
    record(200);
    return send(res, 200, { page_size: paged.size, total_records: rows.length, next_page_token: paged.next, participants: paged.rows });
  }
  if (registrants) {
    const list =
      state.instances.find((i) => i.kind === registrants[1] && i.id === decodeURIComponent(registrants[2] as string))?.registrants ?? [];
    const status = url.searchParams.get('status') ?? 'approved';
    const paged = page(
      list.filter((r) => (r.status ?? 'approved') === status),
      url.searchParams,
    );
    if (typeof paged === 'string') return (record(400), zoomError(res, 400, 300, paged));
    record(200);
    return send(res, 200, { page_size: paged.size, total_records: list.length, next_page_token: paged.next, registrants: paged.rows });
  }
  if (instances) {
    const list = state.instances.filter((i) => i.kind === instances[1] && i.id === decodeURIComponent(instances[2] as string));
    record(200);
    return send(res, 200, { [`${instances[1]}s`]: list.map((i) => ({ uuid: i.uuid, start_time: i.start_time })) });
  }
  record(404);
  zoomError(res, 404, 404, 'No such route in the Zoom simulator');
}

/** Starts a Zoom API stand-in on a real port (127.0.0.1, `port` 0 = any free one). */
export async function startZoomSimulator(port = 0): Promise<ZoomSimulator> {
  const state = new ZoomSimState(SIM_CREDENTIALS);
  const server = createServer((req, res) => handle(state, req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: `${url}/v2`,
    oauthUrl: `${url}/oauth/token`,
    state,
    addInstance: (instance) => void state.instances.push(instance),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
