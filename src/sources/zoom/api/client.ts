import { retryAfterMs } from '../../../support/retry-after.js';
import type { ZoomApiConfig } from './config.js';
import { ZoomApiError, isScopeMessage, zoomErrorMessage } from './errors.js';
import { ZoomTokenCache } from './token-cache.js';

export type ZoomInstanceKind = 'webinar' | 'meeting';

/**
 * One row of Zoom's participant report (Zoom API reference, Reports: "Get webinar participant
 * report" GET /report/webinars/{webinarId}/participants and "Get meeting participant reports" GET
 * /report/meetings/{meetingId}/participants, https://developers.zoom.us/docs/api/meetings/#tag/reports).
 * One row per join: a participant who rejoined has several. `registrant_id` is only present when
 * asked for with `include_fields=registrant_id`.
 */
export interface ReportParticipant {
  id?: string;
  user_id?: string;
  name?: string;
  user_email?: string;
  join_time?: string;
  leave_time?: string;
  duration?: number;
  registrant_id?: string;
}

/** One approved registrant (GET /webinars/{webinarId}/registrants, Zoom API reference, Webinars). */
export interface Registrant {
  id?: string;
  email: string;
  first_name?: string;
  last_name?: string;
  org?: string;
  job_title?: string;
  phone?: string;
  city?: string;
  country?: string;
}

/** Zoom's largest page for these lists (page_size maximum 300, Zoom API reference). */
export const PAGE_SIZE = 300;

/**
 * A meeting or webinar instance's UUID in a path: Zoom's reference says a UUID that begins with `/`
 * or contains `//` must be double URL-encoded; any other is encoded once (an id is digits).
 */
export function encodeInstanceId(idOrUuid: string): string {
  const once = encodeURIComponent(idOrUuid);
  return idOrUuid.startsWith('/') || idOrUuid.includes('//') ? encodeURIComponent(once) : once;
}

/** Zoom's REST API, as the reconciliation uses it: token, report and registrants, paged. */
export class ZoomApiClient {
  readonly tokens: ZoomTokenCache;

  constructor(
    private readonly config: Pick<ZoomApiConfig, 'baseUrl'> & ConstructorParameters<typeof ZoomTokenCache>[0],
    now: () => number = Date.now,
  ) {
    this.tokens = new ZoomTokenCache(config, now);
  }

  /** Every row of the instance's participant report (`idOrUuid`: the uuid, or the id for the latest instance). */
  async reportParticipants(kind: ZoomInstanceKind, idOrUuid: string, signal?: AbortSignal): Promise<ReportParticipant[]> {
    const path = `/report/${kind}s/${encodeInstanceId(idOrUuid)}/participants`;
    return this.allPages(path, { include_fields: 'registrant_id' }, 'participants', signal) as Promise<ReportParticipant[]>;
  }

  /**
   * Past instances of an id, each `{uuid, start_time}` (Zoom API reference: "List past webinar
   * instances" GET /past_webinars/{webinarId}/instances, "List past meeting instances" GET
   * /past_meetings/{meetingId}/instances; the list is named `webinars` or `meetings`).
   */
  async pastInstances(kind: ZoomInstanceKind, id: string, signal?: AbortSignal): Promise<Array<{ uuid: string; start_time?: string }>> {
    const page = (await this.get(`/past_${kind}s/${encodeInstanceId(id)}/instances`, {}, signal)) as Record<string, unknown>;
    const list = page[`${kind}s`];
    return Array.isArray(list) ? (list as Array<{ uuid: string; start_time?: string }>) : [];
  }

  /** The approved registrants of a webinar or meeting (by its id). */
  async registrants(kind: ZoomInstanceKind, id: string, signal?: AbortSignal): Promise<Registrant[]> {
    const path = `/${kind}s/${encodeInstanceId(id)}/registrants`;
    return this.allPages(path, { status: 'approved' }, 'registrants', signal) as Promise<Registrant[]>;
  }

  private async allPages(path: string, query: Record<string, string>, field: string, signal?: AbortSignal): Promise<unknown[]> {
    const rows: unknown[] = [];
    let pageToken = '';
    do {
      const page = (await this.get(path, { ...query, page_size: String(PAGE_SIZE), next_page_token: pageToken }, signal)) as Record<
        string,
        unknown
      >;
      const items = page[field];
      if (Array.isArray(items)) rows.push(...items);
      pageToken = typeof page.next_page_token === 'string' ? page.next_page_token : '';
    } while (pageToken !== '');
    return rows;
  }

  /** One GET; a 401 gets a fresh token and one more try (the cached one may have been revoked). */
  private async get(path: string, query: Record<string, string>, signal?: AbortSignal, retried = false): Promise<unknown> {
    const url = new URL(`${this.config.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== '') url.searchParams.set(key, value);
    const token = await this.tokens.get(signal);
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal });
    } catch (error) {
      throw new ZoomApiError('unavailable', `Zoom ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    const message = `${zoomErrorMessage(response.status, text)} (GET ${path})`;
    if (response.status === 401 && !retried) {
      this.tokens.invalidate();
      return this.get(path, query, signal, true);
    }
    if (response.status === 429) {
      // Per-second limits carry seconds; a daily limit's Retry-After is a date-time (Zoom API reference, Rate limits).
      throw new ZoomApiError('rate-limit', message, 429, retryAfterMs(response.headers.get('retry-after') ?? undefined));
    }
    if (response.status === 404) throw new ZoomApiError('not-ready', message, 404);
    if (response.status >= 500) throw new ZoomApiError('unavailable', message, response.status);
    throw new ZoomApiError(isScopeMessage(message) ? 'scope' : 'refused', message, response.status);
  }
}
