import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type {
  EventChanges,
  EventInput,
  EventbriteSimulatorOptions,
  Fault,
  OrderInput,
  RecordedCall,
  SimAttendee,
  SimEvent,
  SimOrder,
} from './types.js';

export type * from './types.js';
export { eventbriteNotice, noticeHeaders, testPing } from './notices.js';

export const DEFAULT_EVENTBRITE_TOKEN = 'eb-sim-token';
/** Eventbrite's published limit per OAuth token. */
export const EVENTBRITE_HOURLY_LIMIT = { max: 2000, intervalMs: 3_600_000 };

export interface EventbriteSimulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<url>/v3`: what the relay's apiBaseUrl points at. */
  apiBaseUrl: string;
  port: number;
  close(): Promise<void>;
  addEvent(event: EventInput): SimEvent;
  /** Edits (or cancels, `status: 'canceled'`) an event; bumps `changed`. */
  updateEvent(eventId: string, changes: EventChanges): SimEvent;
  /** `<apiBaseUrl>/events/<id>/`, the api_url of an event.updated notice. */
  eventUrl(eventId: string): string;
  /** Places an order; its attendees get ids (given or generated) and barcodes. */
  addOrder(order: OrderInput): { order: SimOrder; attendees: SimAttendee[] };
  attendee(id: string): SimAttendee;
  order(id: string): SimOrder;
  /** Changes an attendee's profile (bumps `changed`). */
  updateProfile(attendeeId: string, profile: Partial<SimAttendee['profile']>, at?: string): SimAttendee;
  cancelAttendee(attendeeId: string, at?: string): SimAttendee;
  /** Undoes a cancel: the same attendee (same id, same `created`) attending again (issue 13: register after cancel). */
  reinstateAttendee(attendeeId: string, at?: string): SimAttendee;
  /** Refunds the whole order: every attendee refunded and not attending. */
  refundOrder(orderId: string, at?: string): SimAttendee[];
  /** Scans the attendee's barcode in at `at`. */
  checkIn(attendeeId: string, at: string): SimAttendee;
  checkOut(attendeeId: string, at: string): SimAttendee;
  /** `<apiBaseUrl>/orders/<id>/` and `<apiBaseUrl>/events/<event>/attendees/<id>/`, as Eventbrite's api_url. */
  orderUrl(orderId: string): string;
  attendeeUrl(attendeeId: string): string;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Every API call in arrival order (control calls are not recorded). */
  calls(): RecordedCall[];
  setTokens(tokens: string[]): void;
}

/** Eventbrite's time format: UTC, whole seconds (`2026-11-20T15:00:00Z`). */
export function ebTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function errorBody(status: number, error: string, description: string) {
  return { status_code: status, error, error_description: description };
}

const ERRORS: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', 'The request was not valid.'],
  401: ['INVALID_AUTH', 'The OAuth token you provided was invalid.'],
  403: ['NOT_AUTHORIZED', 'You do not have permission to access the resource you requested.'],
  404: ['NOT_FOUND', 'The object you requested does not exist.'],
  429: ['HIT_RATE_LIMIT', 'Hourly rate limit has been reached for this token. Default rate limits are 2,000 calls per hour.'],
  500: ['INTERNAL_ERROR', 'An internal error occurred.'],
  502: ['BAD_GATEWAY', 'Bad gateway.'],
  503: ['SERVICE_UNAVAILABLE', 'The service is temporarily unavailable.'],
};

/** Starts an Eventbrite API v3 stand-in (orders, attendees, events) on a real port. */
export async function startEventbriteSimulator(options: EventbriteSimulatorOptions = {}): Promise<EventbriteSimulator> {
  let tokens = new Set(options.tokens ?? [DEFAULT_EVENTBRITE_TOKEN]);
  const limit = options.rateLimit ?? EVENTBRITE_HOURLY_LIMIT;
  const events = new Map<string, SimEvent>();
  const orders = new Map<string, SimOrder>();
  const attendees = new Map<string, SimAttendee>();
  const recorded: RecordedCall[] = [];
  const windows = new Map<string, number[]>();
  let faults: Fault[] = [];
  let nextId = 9_000_000_001;
  let apiBase = '';

  const newId = () => String(nextId++);
  const nowText = () => ebTime(Date.now());

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, routerOptions: { ignoreTrailingSlash: true } });

  function takeFault(path: string): Fault | undefined {
    const index = faults.findIndex((f) => !f.match?.path || path.includes(f.match.path));
    if (index < 0) return undefined;
    const fault = faults[index] as Fault;
    const left = (fault.count ?? 1) - 1;
    if (left <= 0) faults.splice(index, 1);
    else faults[index] = { ...fault, count: left };
    return fault;
  }

  function tokenOf(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length);
    const query = (request.query as Record<string, unknown>).token;
    return typeof query === 'string' ? query : undefined;
  }

  /** Auth, rate limit and faults, in that order; then `answer` for the object. */
  async function serve(request: FastifyRequest, reply: FastifyReply, answer: () => unknown | undefined): Promise<void> {
    const path = request.url.split('?')[0] ?? request.url;
    const call: RecordedCall = {
      at: Date.now(),
      method: request.method,
      path,
      query: Object.fromEntries(
        Object.entries(request.query as Record<string, unknown>)
          .filter(([k]) => k !== 'token')
          .map(([k, v]) => [k, String(v)]),
      ),
      token: tokenOf(request),
      status: 0,
    };
    recorded.push(call);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      return reply.code(status).headers(headers).send(body);
    };
    if (!call.token) return void send(401, errorBody(401, 'NO_AUTH', 'An OAuth token is required for all requests'));
    if (!tokens.has(call.token)) return void send(401, errorBody(401, ...(ERRORS[401] as [string, string])));
    const now = Date.now();
    const used = (windows.get(call.token) ?? []).filter((t) => t > now - limit.intervalMs);
    windows.set(call.token, used);
    if (used.length >= limit.max) return void send(429, errorBody(429, ...(ERRORS[429] as [string, string])));
    used.push(now);

    const fault = takeFault(path);
    if (fault) call.fault = fault.kind;
    // A slow answer tells the state as it was when the request arrived.
    const body = answer();
    if (fault?.kind === 'latency') await sleep(fault.ms);
    if (fault?.kind === 'drop') {
      request.raw.socket.destroy();
      return;
    }
    if (fault?.kind === 'status' || fault?.kind === 'rate-limit') {
      const status = fault.kind === 'status' ? fault.status : 429;
      const [error, description] = ERRORS[status] ?? ['ERROR', `HTTP ${status}`];
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return void send(status, errorBody(status, error, description), headers);
    }
    if (body === undefined) return void send(404, errorBody(404, ...(ERRORS[404] as [string, string])));
    send(200, body);
  }

  const attendeeJson = (a: SimAttendee) => structuredClone(a);
  const orderJson = (o: SimOrder, expand: string[]) => {
    const { attendeeIds, ...order } = o;
    const json: Record<string, unknown> = { ...structuredClone(order) };
    if (expand.includes('attendees')) json.attendees = attendeeIds.map((id) => attendeeJson(attendees.get(id) as SimAttendee));
    return json;
  };
  const expandOf = (request: FastifyRequest) =>
    String((request.query as Record<string, unknown>).expand ?? '')
      .split(',')
      .filter(Boolean);

  app.get<{ Params: { orderId: string } }>('/v3/orders/:orderId/', (request, reply) =>
    serve(request, reply, () => {
      const order = orders.get(request.params.orderId);
      return order ? orderJson(order, expandOf(request)) : undefined;
    }),
  );
  app.get<{ Params: { eventId: string; attendeeId: string } }>('/v3/events/:eventId/attendees/:attendeeId/', (request, reply) =>
    serve(request, reply, () => {
      const attendee = attendees.get(request.params.attendeeId);
      return attendee && attendee.event_id === request.params.eventId ? attendeeJson(attendee) : undefined;
    }),
  );
  app.get<{ Params: { orderId: string; attendeeId: string } }>('/v3/orders/:orderId/attendees/:attendeeId/', (request, reply) =>
    serve(request, reply, () => {
      const attendee = attendees.get(request.params.attendeeId);
      return attendee && attendee.order_id === request.params.orderId ? attendeeJson(attendee) : undefined;
    }),
  );
  app.get<{ Params: { eventId: string } }>('/v3/events/:eventId/', (request, reply) =>
    serve(request, reply, () => {
      const event = events.get(request.params.eventId);
      return event ? structuredClone(event) : undefined;
    }),
  );
  // "Retrieve your User" (https://www.eventbrite.com/platform/api, Users): doctor's check that a token is accepted.
  app.get('/v3/users/me/', (request, reply) => serve(request, reply, () => ({ id: '1000000001', name: 'Simulated Organizer' })));
  app.setNotFoundHandler((request, reply) => {
    recorded.push({
      at: Date.now(),
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      query: {},
      token: undefined,
      status: 404,
    });
    reply.code(404).send(errorBody(404, 'NOT_FOUND', 'The path you requested does not exist.'));
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  apiBase = `${url}/v3`;

  const mustAttendee = (id: string) => {
    const attendee = attendees.get(id);
    if (!attendee) throw new Error(`no attendee ${id} in the Eventbrite simulator`);
    return attendee;
  };
  const mustOrder = (id: string) => {
    const order = orders.get(id);
    if (!order) throw new Error(`no order ${id} in the Eventbrite simulator`);
    return order;
  };
  /** Every change moves `changed` forward, at least one second past the last one (Eventbrite's resolution). */
  const touch = (attendee: SimAttendee, at: string | undefined) => {
    const wanted = at ? Date.parse(at) : Date.now();
    const after = Date.parse(attendee.changed) + 1000;
    attendee.changed = ebTime(at ? wanted : Math.max(wanted, after));
    return attendee.changed;
  };

  const simulator: EventbriteSimulator = {
    url,
    apiBaseUrl: apiBase,
    port: address.port,
    close: () => app.close(),
    addEvent(input) {
      const zone = input.timezone ?? 'UTC';
      const event: SimEvent = {
        id: input.id,
        name: { text: input.name ?? `Event ${input.id}`, html: input.name ?? `Event ${input.id}` },
        url: `https://www.eventbrite.com/e/event-${input.id}`,
        resource_uri: `${apiBase}/events/${input.id}/`,
        start: { timezone: zone, local: input.start.replace('Z', ''), utc: input.start },
        end: { timezone: zone, local: input.end.replace('Z', ''), utc: input.end },
        created: nowText(),
        changed: nowText(),
        status: 'live',
        currency: 'USD',
        online_event: false,
      };
      if (input.description !== undefined) event.description = { text: input.description, html: `<p>${input.description}</p>` };
      events.set(event.id, event);
      return structuredClone(event);
    },
    updateEvent(eventId, changes) {
      const event = events.get(eventId);
      if (!event) throw new Error(`no event ${eventId} in the Eventbrite simulator`);
      if (changes.name !== undefined) event.name = { text: changes.name, html: changes.name };
      if (changes.description !== undefined) event.description = { text: changes.description, html: `<p>${changes.description}</p>` };
      if (changes.start !== undefined) event.start = { ...event.start, local: changes.start.replace('Z', ''), utc: changes.start };
      if (changes.end !== undefined) event.end = { ...event.end, local: changes.end.replace('Z', ''), utc: changes.end };
      if (changes.status !== undefined) event.status = changes.status;
      event.changed = nowText();
      return structuredClone(event);
    },
    eventUrl: (eventId) => `${apiBase}/events/${eventId}/`,
    addOrder(input) {
      const id = input.id ?? newId();
      const at = input.at ?? nowText();
      const buyer = input.attendees[0];
      const made: SimAttendee[] = input.attendees.map((person, i) => {
        const attendeeId = person.id ?? newId();
        const name = [person.firstName, person.lastName].filter(Boolean).join(' ');
        const free = { display: '$0.00', currency: 'USD', value: 0, major_value: '0.00' };
        const attendee: SimAttendee = {
          team: null,
          resource_uri: `${apiBase}/events/${input.eventId}/attendees/${attendeeId}/`,
          id: attendeeId,
          changed: at,
          created: at,
          quantity: 1,
          variant_id: null,
          profile: {
            first_name: person.firstName,
            last_name: person.lastName,
            email: person.email,
            name: name || person.email,
            company: person.company,
            job_title: person.jobTitle,
            cell_phone: person.cellPhone,
            work_phone: person.workPhone,
            addresses: structuredClone(person.addresses ?? {}),
          },
          barcodes: [
            {
              status: 'unused',
              barcode: `${id}${attendeeId}${String(i + 1).padStart(3, '0')}`,
              created: at,
              changed: at,
              checkin_type: 0,
              is_printed: false,
            },
          ],
          answers: [],
          costs: { base_price: free, eventbrite_fee: free, gross: free, payment_fee: free, tax: free },
          checked_in: false,
          cancelled: false,
          refunded: false,
          affiliate: null,
          guestlist_id: null,
          invited_by: null,
          status: 'Attending',
          ticket_class_name: 'General Admission',
          delivery_method: 'electronic',
          event_id: input.eventId,
          order_id: id,
          ticket_class_id: '1460879529',
        };
        attendees.set(attendeeId, attendee);
        return attendee;
      });
      const order: SimOrder = {
        id,
        resource_uri: `${apiBase}/orders/${id}/`,
        changed: at,
        created: at,
        name: buyer ? [buyer.firstName, buyer.lastName].filter(Boolean).join(' ') : '',
        first_name: buyer?.firstName,
        last_name: buyer?.lastName,
        email: buyer?.email ?? '',
        status: 'placed',
        time_remaining: null,
        event_id: input.eventId,
        attendeeIds: made.map((a) => a.id),
      };
      orders.set(id, order);
      return { order: structuredClone(order), attendees: made.map((a) => structuredClone(a)) };
    },
    attendee: (id) => structuredClone(mustAttendee(id)),
    order: (id) => structuredClone(mustOrder(id)),
    updateProfile(attendeeId, profile, at) {
      const attendee = mustAttendee(attendeeId);
      Object.assign(attendee.profile, profile);
      touch(attendee, at);
      return structuredClone(attendee);
    },
    cancelAttendee(attendeeId, at) {
      const attendee = mustAttendee(attendeeId);
      attendee.cancelled = true;
      attendee.status = 'Not Attending';
      touch(attendee, at);
      return structuredClone(attendee);
    },
    reinstateAttendee(attendeeId, at) {
      const attendee = mustAttendee(attendeeId);
      attendee.cancelled = false;
      attendee.status = 'Attending';
      touch(attendee, at);
      return structuredClone(attendee);
    },
    refundOrder(orderId, at) {
      const order = mustOrder(orderId);
      order.status = 'refunded';
      order.changed = at ?? nowText();
      return order.attendeeIds.map((id) => {
        const attendee = mustAttendee(id);
        attendee.refunded = true;
        attendee.status = 'Not Attending';
        for (const barcode of attendee.barcodes) barcode.status = 'refunded';
        touch(attendee, at);
        return structuredClone(attendee);
      });
    },
    checkIn(attendeeId, at) {
      const attendee = mustAttendee(attendeeId);
      attendee.checked_in = true;
      attendee.status = 'Checked In';
      for (const barcode of attendee.barcodes) {
        barcode.status = 'used';
        barcode.changed = ebTime(Date.parse(at));
      }
      touch(attendee, at);
      return structuredClone(attendee);
    },
    checkOut(attendeeId, at) {
      const attendee = mustAttendee(attendeeId);
      attendee.checked_in = false;
      attendee.status = 'Attending';
      for (const barcode of attendee.barcodes) {
        barcode.status = 'unused';
        barcode.changed = ebTime(Date.parse(at));
      }
      touch(attendee, at);
      return structuredClone(attendee);
    },
    orderUrl: (orderId) => `${apiBase}/orders/${orderId}/`,
    attendeeUrl(attendeeId) {
      const attendee = mustAttendee(attendeeId);
      return `${apiBase}/events/${attendee.event_id}/attendees/${attendee.id}/`;
    },
    inject(fault) {
      if (fault.kind === 'status' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
        throw new TypeError(`a status fault needs a 4xx or 5xx status, got ${fault.status}`);
      }
      faults.push({ ...fault });
    },
    clearFaults() {
      faults = [];
    },
    calls: () => recorded.map((c) => ({ ...c, query: { ...c.query } })),
    setTokens(list) {
      tokens = new Set(list);
    },
  };
  return simulator;
}
